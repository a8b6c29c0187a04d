"""Delivery channels. SMS is an interface: the console backend prints, a gateway plugs in later."""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stderr.write(f"[SMS to {phone}] {text}\n")


def sms_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "jinqi.notifications.channels.ConsoleSmsBackend")
    backend: SmsBackend = import_string(path)()
    return backend


def send_email(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [address], fail_silently=False)
