"""Working days: Chinese public holidays and 调休 make-up days, overridable by the lead office."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.db.models import F

from jinqi.core import clock
from jinqi.core.models import CalendarGap, CalendarOverride

# How far past the start a count of working days may reach: the longest run of holidays in China
# (Spring Festival with weekends) is under two weeks.
SLACK = dt.timedelta(days=21)


def _library_working_day(day: dt.date) -> bool | None:
    """The library's word on the day, or None for a year it does not ship."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkingDays:
    """The calendar over a span of dates, read with one query for the lead office's overrides.

    A day of a year the library does not know counts Monday to Friday (with the lead office's
    overrides), and the year is noted in `unknown_years`: the counts flag it (`flag_gaps`) so
    the lead office learns and enters that year's holidays; it is never silent."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self.overrides: dict[dt.date, bool] = dict(
            CalendarOverride.objects.filter(day__range=(first, last)).values_list(
                "day", "is_working_day"
            )
        )
        self.unknown_years: set[int] = set()

    def is_working_day(self, day: dt.date) -> bool:
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside {self.first}…{self.last}")
        override = self.overrides.get(day)
        if override is not None:
            return override
        known = _library_working_day(day)
        if known is None:
            self.unknown_years.add(day.year)
            return day.weekday() < 5
        return known

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


def flag_gaps(years: set[int]) -> None:
    """Note that a count reached years the library does not know, for the lead office (once a
    year is resolved, its entered calendar is the word and nothing more is flagged)."""
    now = clock.now()
    for year in years:
        gap, created = CalendarGap.objects.get_or_create(
            year=year, defaults={"first_flagged_at": now, "last_flagged_at": now}
        )
        if not created and gap.resolved_at is None:
            CalendarGap.objects.filter(pk=gap.pk).update(
                last_flagged_at=now, counts=F("counts") + 1
            )


def is_working_day(day: dt.date) -> bool:
    span = WorkingDays(day, day)
    answer = span.is_working_day(day)
    flag_gaps(span.unknown_years)
    return answer


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted); a count into a
    year the library does not know is flagged to the lead office."""
    span = _span(start, days)
    answer = span.add(start, days)
    flag_gaps(span.unknown_years)
    return answer


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    span = WorkingDays(min(start, end), max(start, end))
    answer = span.between(start, end)
    flag_gaps(span.unknown_years)
    return answer


def calendar_gaps_open() -> list[CalendarGap]:
    """Years flagged and not yet resolved by the lead office."""
    return list(CalendarGap.objects.filter(resolved_at__isnull=True))


def calendar_gap_resolve(*, year: int) -> CalendarGap | None:
    """The lead office has entered `year`'s holidays (callers check permission and audit)."""
    gap = CalendarGap.objects.filter(year=year, resolved_at__isnull=True).first()
    if gap is not None:
        gap.resolved_at = clock.now()
        gap.save(update_fields=["resolved_at"])
    return gap


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
