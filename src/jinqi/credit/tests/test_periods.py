"""Table tests of the repair dates at every boundary (民法典 201/202, 国办发〔2025〕22号)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from jinqi.credit.periods import (
    RULES_2019,
    RULES_2025,
    Periods,
    first_day_after,
    period_end,
    repair_dates,
    rule_for,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 3, 10), 3, D(2025, 6, 10)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # leap year: the 29th exists
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # no 29 February: the month's last day
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 2, 28), 12, D(2025, 2, 28)),
        (D(2025, 1, 29), 1, D(2025, 2, 28)),
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 5, 31), 1, D(2025, 6, 30)),
        (D(2025, 4, 30), 1, D(2025, 5, 30)),  # a 30th stays a 30th in a 31-day month
        (D(2025, 12, 31), 3, D(2026, 3, 31)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),  # across the year
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 10, 1), 36, D(2028, 10, 1)),  # a holiday does not move it
    ],
)
def test_period_end(start: dt.date, months: int, end: dt.date) -> None:
    """A period ends on the day bearing the start's number, or the month's last day."""
    assert period_end(start, months) == end
    assert first_day_after(start, months) == end + dt.timedelta(days=1)


def test_no_minimum_starts_at_once() -> None:
    """A period of zero months leaves the start date as the first day."""
    assert first_day_after(D(2025, 3, 10), 0) == D(2025, 3, 10)


@pytest.mark.parametrize(
    ("severity", "decided", "fulfilled", "earliest", "takedown"),
    [
        ("general", D(2025, 3, 10), D(2025, 4, 1), D(2025, 6, 11), D(2026, 3, 11)),
        ("general", D(2025, 3, 10), D(2025, 7, 1), D(2025, 7, 1), D(2026, 3, 11)),
        ("general", D(2025, 3, 10), D(2025, 6, 11), D(2025, 6, 11), D(2026, 3, 11)),
        ("general", D(2025, 3, 10), None, None, D(2026, 3, 11)),
        ("minor", D(2025, 3, 10), D(2025, 3, 10), D(2025, 3, 10), D(2025, 6, 11)),
        ("minor", D(2025, 11, 30), D(2025, 12, 5), D(2025, 12, 5), D(2026, 3, 1)),
        ("serious", D(2024, 2, 29), D(2024, 3, 1), D(2025, 3, 1), D(2027, 3, 1)),
        ("serious", D(2025, 1, 31), D(2025, 2, 1), D(2026, 2, 1), D(2028, 2, 1)),
        ("general", D(2025, 11, 30), D(2025, 12, 1), D(2026, 3, 1), D(2026, 12, 1)),
        ("general", D(2023, 11, 29), D(2023, 12, 1), D(2024, 3, 1), D(2024, 11, 30)),
    ],
)
def test_repair_dates(
    severity: str,
    decided: dt.date,
    fulfilled: dt.date | None,
    earliest: dt.date | None,
    takedown: dt.date,
) -> None:
    """Earliest repair: the later of fulfilment and the minimum period; take-down: the maximum."""
    dates = repair_dates(severity=severity, decided=decided, fulfilled=fulfilled)
    assert dates.earliest_repair == earliest
    assert dates.takedown == takedown
    assert dates.basis == RULES_2025.basis


def test_fulfilment_before_decision_is_refused() -> None:
    """A fulfilment dated before the decision is refused."""
    with translation.override("en"), pytest.raises(ValueError, match="before the decision"):
        repair_dates(severity="general", decided=D(2025, 3, 10), fulfilled=D(2025, 3, 9))


def test_unknown_class_is_refused() -> None:
    """Only the three classes have periods."""
    with pytest.raises(ValueError):
        repair_dates(severity="grave", decided=D(2025, 3, 10))


def test_older_records_keep_the_2019_periods() -> None:
    """A serious record decided before 22号 keeps 527号's six-month minimum."""
    rule = rule_for(D(2025, 1, 10))
    assert rule is RULES_2019
    dates = repair_dates(
        severity="serious", decided=D(2025, 1, 10), fulfilled=D(2025, 1, 20), rule=rule
    )
    assert dates.earliest_repair == D(2025, 7, 11)
    assert rule_for(D(2025, 6, 22)) is RULES_2025


def test_a_law_may_set_other_periods() -> None:
    """An override replaces the periods and names its law as the basis."""
    dates = repair_dates(
        severity="general",
        decided=D(2025, 3, 10),
        fulfilled=D(2025, 3, 20),
        override=Periods(6, 24),
        override_basis="某法律第十条",
    )
    assert dates.earliest_repair == D(2025, 9, 11)
    assert dates.takedown == D(2027, 3, 11)
    assert dates.basis == "某法律第十条"
    with pytest.raises(ValueError):
        repair_dates(
            severity="general", decided=D(2025, 3, 10), override=Periods(6, 3), override_basis="x"
        )
