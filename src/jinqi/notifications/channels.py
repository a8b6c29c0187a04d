"""Delivery channels. SMS is an interface: the console backend prints, a gateway plugs in later."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stderr.write(f"[SMS to {phone}] {text}\n")


class FileSmsBackend:
    """Appends each text message to sms.log in the outbox directory (the demo at normal
    verbosity, where the console stays quiet)."""

    def send(self, phone: str, text: str) -> None:
        directory = Path(settings.OUTBOX_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / "sms.log").open("a", encoding="utf-8") as log:
            log.write(f"[SMS to {phone}] {text}\n")


def sms_backend() -> SmsBackend:
    path = settings.SMS_BACKEND
    backend: SmsBackend = import_string(path)()
    return backend


def send_email(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [address], fail_silently=False)
