"""Working days: Chinese public holidays and 调休 make-up days, overridable by the lead office."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from jinqi.core.models import CalendarOverride


def is_working_day(day: dt.date) -> bool:
    override = CalendarOverride.objects.filter(day=day).values_list("is_working_day", flat=True)
    for value in override:
        return bool(value)
    return _library_working_day(day)


def _library_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # The library only knows the years it ships; beyond them fall back to Monday–Friday.
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += dt.timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    overrides = dict(
        CalendarOverride.objects.filter(day__gt=start, day__lte=end).values_list(
            "day", "is_working_day"
        )
    )
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        count += overrides.get(current, _library_working_day(current))
    return count
