"""Shared pieces of the management commands: a progress bar, a date argument, refusals
printed as one line, subcommands one package adds to another app's command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class ProgressBar:
    """A progress line on stderr: redrawn in place on a terminal, a line every few seconds in a
    log."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper, unit: str) -> None:
        self.stream = stream
        self.unit = unit
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.shown = 0.0
        self.line = ""

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.shown < (0.2 if self.tty else 5.0):
            return
        self.shown = now
        self.line = self._line(done, total, now)
        if self.tty:
            self.stream.write("\r" + self.line, ending="")
            self.stream.flush()
        else:
            self.stream.write(self.line)

    def _line(self, done: int, total: int | None, now: float) -> str:
        rate = done / max(now - self.started, 1e-9)
        text = f"{done:,} {self.unit}  {rate:,.0f} {self.unit}/s"
        if total and total >= done:
            share = done / total
            filled = round(self.WIDTH * share)
            left = (total - done) / rate if rate else 0
            bar = "#" * filled + "." * (self.WIDTH - filled)
            text = (
                f"[{bar}] {share:6.1%}  {done:,}/{total:,} {self.unit}  {rate:,.0f} {self.unit}/s"
            )
            text += f"  ETA {int(left // 60)}m{int(left % 60):02d}s"
        return text

    def finish(self) -> None:
        if self.tty and self.line:
            self.stream.write("")


def iso_date(text: str) -> dt.date:
    """An argparse type: a date written 2025-06-30, or a clear error."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a date (write 2025-06-30)") % {"value": text}
        ) from None


class PlainRefusalCommand(BaseCommand):
    """A command whose refusal (CommandError) prints on the command line as its message alone,
    one line, and exits non-zero; Django would put the exception's class name, an English
    word, before it. Called from code (call_command), it raises as any command does."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(error))
            sys.exit(error.returncode)


@dataclass(frozen=True)
class Subcommand:
    """A subcommand a package adds to an app's command (`jinqi <command> <name>`) from its own
    `ready()`, so the app need not import the package (the demo package adds `registry synth`)."""

    name: str
    help: str | Promise
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handle: Callable[[BaseCommand, dict[str, Any]], None]  # receives the running command


_contributed: dict[str, dict[str, Subcommand]] = {}


def register_subcommand(command: str, subcommand: Subcommand) -> None:
    _contributed.setdefault(command, {})[subcommand.name] = subcommand


def contributed_subcommands(command: str) -> dict[str, Subcommand]:
    """The subcommands other packages added to `command`, by name."""
    return dict(_contributed.get(command, {}))
