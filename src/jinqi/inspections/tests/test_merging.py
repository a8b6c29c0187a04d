"""The merge of tasks into visits (inspections.merging), as tables at its edges: touching
windows, holidays and 调休 days, unannounced tasks, several departments on one day."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from jinqi.inspections.merging import MergeTask, NoWorkingDayError, merge

D = dt.date
FIRM, OTHER = "91310116MA1FL0XQ2P", "91310116MA1FL1AB3C"


def weekdays(day: dt.date) -> bool:
    return day.weekday() < 5


def task(
    task_id: str,
    start: str,
    end: str,
    *,
    department: str = "amr",
    uscc: str = FIRM,
    unannounced: bool = False,
) -> MergeTask:
    return MergeTask(
        task_id, department, uscc, D.fromisoformat(start), D.fromisoformat(end), unannounced
    )


def plan(tasks: list[MergeTask], calendar=weekdays) -> list[tuple[str, str, str]]:
    return [(v.uscc[-4:], v.date.isoformat(), ";".join(v.task_ids)) for v in merge(tasks, calendar)]


# (what the row shows, tasks, visits as (uscc tail, date, task ids)) on a Monday-to-Friday week.
# 2025-06-02 is a Monday.
TABLE = [
    (
        "windows touching on one day share it",
        [task("a", "2025-06-02", "2025-06-04"), task("b", "2025-06-04", "2025-06-06")],
        [("XQ2P", "2025-06-04", "a;b")],
    ),
    (
        "windows one day apart cannot share",
        [task("a", "2025-06-02", "2025-06-03"), task("b", "2025-06-04", "2025-06-06")],
        [("XQ2P", "2025-06-03", "a"), ("XQ2P", "2025-06-06", "b")],
    ),
    (
        "a weekend between touching windows: the only shared days are not working days",
        [task("a", "2025-06-02", "2025-06-08"), task("b", "2025-06-07", "2025-06-13")],
        [("XQ2P", "2025-06-06", "a"), ("XQ2P", "2025-06-13", "b")],
    ),
    (
        "the visit falls on the last working day of the earliest-ending window",
        [task("a", "2025-06-02", "2025-06-08"), task("b", "2025-06-02", "2025-06-30")],
        [("XQ2P", "2025-06-06", "a;b")],
    ),
    (
        "several departments on one day become one visit",
        [
            task("amr1", "2025-06-02", "2025-06-13", department="amr"),
            task("env1", "2025-06-09", "2025-06-20", department="env"),
            task("fire1", "2025-06-13", "2025-06-13", department="fire"),
        ],
        [("XQ2P", "2025-06-13", "amr1;env1;fire1")],
    ),
    (
        "an unannounced task is never merged, even on the same day",
        [
            task("a", "2025-06-02", "2025-06-06"),
            task("u", "2025-06-02", "2025-06-06", unannounced=True),
        ],
        [("XQ2P", "2025-06-06", "a"), ("XQ2P", "2025-06-06", "u")],
    ),
    (
        "two unannounced tasks stay two visits",
        [
            task("u1", "2025-06-02", "2025-06-06", unannounced=True),
            task("u2", "2025-06-02", "2025-06-06", unannounced=True, department="env"),
        ],
        [("XQ2P", "2025-06-06", "u1"), ("XQ2P", "2025-06-06", "u2")],
    ),
    (
        "tasks on different enterprises are never merged",
        [task("a", "2025-06-02", "2025-06-06"), task("b", "2025-06-02", "2025-06-06", uscc=OTHER)],
        [("XQ2P", "2025-06-06", "a"), ("AB3C", "2025-06-06", "b")],
    ),
    (
        "a chain: the greedy day carries what it can and starts again",
        [
            task("a", "2025-06-02", "2025-06-04"),
            task("b", "2025-06-03", "2025-06-10"),
            task("c", "2025-06-05", "2025-06-12"),
            task("d", "2025-06-11", "2025-06-20"),
        ],
        [("XQ2P", "2025-06-04", "a;b"), ("XQ2P", "2025-06-12", "c;d")],
    ),
    (
        "a one-day window",
        [task("a", "2025-06-03", "2025-06-03")],
        [("XQ2P", "2025-06-03", "a")],
    ),
]


@pytest.mark.parametrize(
    ("tasks", "visits"), [(t, v) for _, t, v in TABLE], ids=[row[0] for row in TABLE]
)
def test_merge_table(tasks: list[MergeTask], visits: list[tuple[str, str, str]]) -> None:
    """Each row of the table gives exactly its visits."""
    assert plan(tasks) == visits


def test_window_without_a_working_day_is_reported_by_id() -> None:
    """Every task whose window holds no working day is named, in input order; nothing else."""
    tasks = [
        task("ok", "2025-06-02", "2025-06-06"),
        task("weekend", "2025-06-07", "2025-06-08"),
        task("sunday", "2025-06-15", "2025-06-15"),
    ]
    with pytest.raises(NoWorkingDayError) as refused:
        merge(tasks, weekdays)
    assert refused.value.task_ids == ("weekend", "sunday")


def test_holidays_and_make_up_days_come_from_the_calendar() -> None:
    """A holiday is skipped and a 调休 Saturday is a working day, as the calendar says."""
    holiday, make_up = D(2025, 6, 6), D(2025, 6, 7)

    def calendar(day: dt.date) -> bool:
        return day == make_up or (weekdays(day) and day != holiday)

    tasks = [
        task("friday-holiday", "2025-06-02", "2025-06-06"),
        task("make-up", "2025-06-07", "2025-06-08"),
    ]
    assert plan(tasks, calendar) == [
        ("XQ2P", "2025-06-05", "friday-holiday"),
        ("XQ2P", "2025-06-07", "make-up"),
    ]


def test_no_tasks_no_visits() -> None:
    """An empty list gives no visits."""
    assert merge([], weekdays) == []


def fewest_visits(tasks: list[MergeTask]) -> int:
    """The least number of working days hitting every window (by brute force)."""
    days = sorted({t.window_start + dt.timedelta(n) for t in tasks for n in range(15)})
    days = [d for d in days if weekdays(d)]
    for size in range(1, len(tasks) + 1):
        for chosen in itertools.combinations(days, size):
            if all(any(t.window_start <= d <= t.window_end for d in chosen) for t in tasks):
                return size
    raise AssertionError("no cover")


@pytest.mark.parametrize("seed", range(25))
def test_merge_is_minimal_and_complete(seed: int) -> None:
    """On random windows every task is in exactly one visit, on a working day inside its window,
    and there are no more visits than the fewest possible (brute force)."""
    rng = random.Random(seed)
    tasks = []
    for n in range(rng.randint(1, 6)):
        start = D(2025, 6, 2) + dt.timedelta(rng.randint(0, 10))
        end = start + dt.timedelta(rng.randint(2, 6))
        tasks.append(task(f"t{n}", start.isoformat(), end.isoformat()))
    visits = merge(tasks, weekdays)
    carried = [t for v in visits for t in v.tasks]
    assert sorted(t.task_id for t in carried) == sorted(t.task_id for t in tasks)
    for visit in visits:
        assert weekdays(visit.date)
        assert all(t.window_start <= visit.date <= t.window_end for t in visit.tasks)
    assert len(visits) == fewest_visits(tasks)
