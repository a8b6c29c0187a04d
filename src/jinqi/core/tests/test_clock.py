"""The platform clock: frozen, advanced and reset by tests; 'today' is Shanghai's date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from jinqi.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_frozen_clock_stands_still_and_is_restored() -> None:
    """Inside frozen_at time does not move; after it, the real clock is back."""
    moment = dt.datetime(2022, 7, 15, 10, 0, tzinfo=SHANGHAI)
    with clock.frozen_at(moment):
        assert clock.now() == moment
        assert clock.now() == moment
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_naive_moment_is_read_as_local_time() -> None:
    """A naive datetime given to frozen_at is Shanghai time, not UTC."""
    with clock.frozen_at(dt.datetime(2022, 7, 15, 10, 0)):
        assert clock.now() == dt.datetime(2022, 7, 15, 2, 0, tzinfo=dt.UTC)


def test_today_is_the_shanghai_date() -> None:
    """Half past midnight in Shanghai is still the previous day in UTC, but today is Shanghai's."""
    with clock.frozen_at(dt.datetime(2022, 10, 1, 0, 30, tzinfo=SHANGHAI)):
        assert clock.now().astimezone(dt.UTC).date() == dt.date(2022, 9, 30)
        assert clock.today() == dt.date(2022, 10, 1)


def test_advance_moves_a_frozen_clock() -> None:
    """Advancing a frozen clock moves it by exactly the delta, forward or back."""
    with clock.frozen_at(dt.datetime(2022, 7, 15, 10, 0)):
        start = clock.now()
        clock.advance(dt.timedelta(days=3))
        assert clock.now() - start == dt.timedelta(days=3)
        clock.advance(dt.timedelta(hours=-1))
        assert clock.now() - start == dt.timedelta(days=3, hours=-1)


def test_advance_offsets_the_running_clock_until_reset() -> None:
    """Advancing the running clock shifts every later reading until reset."""
    clock.advance(dt.timedelta(days=10))
    assert clock.now() - timezone.now() > dt.timedelta(days=9, hours=23)
    clock.reset()
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_nested_freezes_restore_the_outer_one() -> None:
    """Leaving an inner frozen_at returns to the outer frozen moment."""
    outer = dt.datetime(2022, 1, 1, 9, 0, tzinfo=SHANGHAI)
    with clock.frozen_at(outer):
        with clock.frozen_at(dt.datetime(2023, 1, 1, 9, 0, tzinfo=SHANGHAI)):
            assert clock.today() == dt.date(2023, 1, 1)
        assert clock.now() == outer


def test_reset_unfreezes() -> None:
    """reset() drops a freeze and an offset alike (the root conftest relies on it)."""
    with clock.frozen_at(dt.datetime(2000, 1, 1, 9, 0)):
        clock.reset()
        assert clock.today() != dt.date(2000, 1, 1)
