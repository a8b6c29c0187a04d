"""Working days: Chinese holidays and 调休 make-up days, overridden by the lead office."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.core.calendar import (
    add_working_days,
    calendar_gap_resolve,
    calendar_gaps_open,
    calendar_override_set,
    is_working_day,
    working_days_between,
)
from jinqi.core.models import CalendarGap, CalendarOverride

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2022, 9, 30), True),  # Friday before National Day
        (D(2022, 10, 1), False),  # National Day (a Saturday)
        (D(2022, 10, 3), False),  # Monday, still Golden Week
        (D(2022, 10, 7), False),  # Friday, last holiday
        (D(2022, 10, 8), True),  # Saturday, 调休 make-up working day
        (D(2022, 10, 9), True),  # Sunday, 调休 make-up working day
        (D(2022, 10, 15), False),  # an ordinary Saturday
        (D(2022, 10, 17), True),  # an ordinary Monday
    ],
)
def test_golden_week_2022(day: dt.date, working: bool) -> None:
    """October 2022: the 1st–7th are holidays and the weekend of the 8th–9th is worked."""
    assert is_working_day(day) is working


def test_lead_office_override_wins_over_the_library() -> None:
    """A day the lead office declares (e.g. a typhoon closure, an extra working day) counts as
    declared, whatever the holiday library says."""
    CalendarOverride.objects.create(day=D(2022, 10, 8), is_working_day=False, note="台风停工")
    CalendarOverride.objects.create(day=D(2022, 10, 7), is_working_day=True, note="加班")
    assert is_working_day(D(2022, 10, 8)) is False
    assert is_working_day(D(2022, 10, 7)) is True
    assert add_working_days(D(2022, 9, 30), 1) == D(2022, 10, 7)
    assert working_days_between(D(2022, 9, 30), D(2022, 10, 9)) == 2


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2022, 9, 30), 1, D(2022, 10, 8)),
        (D(2022, 9, 30), 5, D(2022, 10, 12)),
        (D(2022, 9, 29), 1, D(2022, 9, 30)),
        (D(2022, 10, 8), -1, D(2022, 9, 30)),
        (D(2022, 10, 3), 0, D(2022, 10, 3)),
    ],
)
def test_add_working_days_across_golden_week(start: dt.date, days: int, expected: dt.date) -> None:
    """Counting working days skips the holiday week and counts the make-up weekend; the start day
    itself is never counted."""
    assert add_working_days(start, days) == expected


def test_working_days_between_matches_add_working_days() -> None:
    """Both functions agree: five working days after September 30th is October 12th."""
    assert working_days_between(D(2022, 9, 30), D(2022, 10, 12)) == 5
    assert working_days_between(D(2022, 10, 12), D(2022, 9, 30)) == -5
    assert working_days_between(D(2022, 10, 1), D(2022, 10, 7)) == 0


def test_years_beyond_the_library_count_weekdays_and_are_flagged() -> None:
    """For a year the holiday library does not know, Monday to Friday count, and the year is
    flagged to the lead office, never silently."""
    assert not CalendarGap.objects.exists()
    assert is_working_day(D(2100, 1, 4)) is True  # a Monday
    assert is_working_day(D(2100, 1, 9)) is False  # a Saturday
    assert add_working_days(D(2100, 1, 8), 1) == D(2100, 1, 11)
    gap = CalendarGap.objects.get(year=2100)
    assert gap.counts == 3 and gap.resolved_at is None
    assert [g.year for g in calendar_gaps_open()] == [2100]


def test_a_count_within_known_years_flags_nothing() -> None:
    """A deadline inside the library's years leaves no flag."""
    add_working_days(D(2025, 12, 1), 10)
    assert not CalendarGap.objects.exists()


def test_a_resolved_year_follows_the_lead_offices_entries_unflagged() -> None:
    """Once the lead office entered the year's days off and resolved it, counts follow those
    entries and flag nothing more."""
    add_working_days(D(2100, 1, 29), 1)
    calendar_override_set(day=D(2100, 2, 1), is_working_day=False, note="春节")
    assert calendar_gap_resolve(year=2100) is not None
    assert add_working_days(D(2100, 1, 29), 1) == D(2100, 2, 2)
    assert CalendarGap.objects.get(year=2100).counts == 1
    assert calendar_gaps_open() == []
