"""The one clock of the platform: every "now" and "today" comes from here so tests can move it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def today() -> dt.date:
    return timezone.localdate(now())


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward (or back) by `delta`."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Stop the clock at `moment` for the duration of the block (tests and demo data)."""
    global _frozen
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    previous = _frozen
    _frozen = moment
    try:
        yield
    finally:
        _frozen = previous


def reset() -> None:
    global _offset, _frozen
    _offset = dt.timedelta(0)
    _frozen = None
