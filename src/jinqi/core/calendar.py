"""Working days: Chinese public holidays and 调休 make-up days, overridable by the lead office."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from jinqi.core.models import CalendarOverride

# How far past the start a count of working days may reach: the longest run of holidays in China
# (Spring Festival with weekends) is under two weeks.
SLACK = dt.timedelta(days=21)


def _library_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # The library only knows the years it ships; beyond them fall back to Monday–Friday.
        return day.weekday() < 5


class WorkingDays:
    """The calendar over a span of dates, read with one query for the lead office's overrides."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self.overrides: dict[dt.date, bool] = dict(
            CalendarOverride.objects.filter(day__range=(first, last)).values_list(
                "day", "is_working_day"
            )
        )

    def is_working_day(self, day: dt.date) -> bool:
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside {self.first}…{self.last}")
        override = self.overrides.get(day)
        return _library_working_day(day) if override is None else override

    def add(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself not counted)."""
        step = dt.timedelta(days=1 if days >= 0 else -1)
        remaining = abs(days)
        current = start
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when earlier)."""
        if end < start:
            return -self.between(end, start)
        return sum(
            self.is_working_day(start + dt.timedelta(days=n))
            for n in range(1, (end - start).days + 1)
        )


def _span(start: dt.date, days: int) -> WorkingDays:
    reach = dt.timedelta(days=abs(days) * 2) + SLACK
    return WorkingDays(start - reach, start + reach)


def is_working_day(day: dt.date) -> bool:
    return WorkingDays(day, day).is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    return _span(start, days).add(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    return WorkingDays(min(start, end), max(start, end)).between(start, end)


def calendar_override_set(*, day: dt.date, is_working_day: bool, note: str) -> CalendarOverride:
    """Record the lead office's word on a day (callers check permission and audit the change)."""
    override, _created = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_working_day": is_working_day, "note": note.strip()}
    )
    return override


def calendar_overrides(year: int) -> list[CalendarOverride]:
    return list(CalendarOverride.objects.filter(day__year=year))


def library_knows(year: int) -> bool:
    """Whether the holiday library ships the official calendar of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
