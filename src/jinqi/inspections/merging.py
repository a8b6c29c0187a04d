"""Joint visits (综合查一次) from tasks, as a pure function (docs/inspections.md, "The merge").

For each enterprise: an unannounced or emergency task is a visit of its own, on the last working
day of its window. The other tasks are open; take the open task whose window's last working day
is earliest, visit on that day with every open task whose window contains it, and repeat. This
is the greedy choice for stabbing intervals with points, so the number of visits per enterprise
is the fewest possible: each visit is needed by the task that chose its day, which no earlier
visit could carry. Working days come from the caller (core.calendar: holidays, 调休 make-up days
and the lead office's corrections), so this module knows no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class MergeTask:
    task_id: str
    department: str
    uscc: str
    window_start: dt.date
    window_end: dt.date
    unannounced: bool = False


@dataclass(frozen=True)
class PlannedVisit:
    uscc: str
    date: dt.date
    tasks: tuple[MergeTask, ...]

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(task.task_id for task in self.tasks)

    @property
    def departments(self) -> tuple[str, ...]:
        """The departments of the visit, each once, in the order of their tasks."""
        return tuple(dict.fromkeys(task.department for task in self.tasks))


class NoWorkingDayError(ValueError):
    """Some tasks' windows hold no working day: no visit can carry them."""

    def __init__(self, task_ids: Sequence[str]) -> None:
        super().__init__(", ".join(task_ids))
        self.task_ids = tuple(task_ids)


def last_working_day(
    start: dt.date, end: dt.date, is_working_day: Callable[[dt.date], bool]
) -> dt.date | None:
    """The last working day from `start` to `end`, both included, or None."""
    day = end
    while day >= start:
        if is_working_day(day):
            return day
        day -= ONE_DAY
    return None


def merge(
    tasks: Iterable[MergeTask], is_working_day: Callable[[dt.date], bool]
) -> list[PlannedVisit]:
    """The fewest visits carrying every task, sorted by enterprise, date and first task;
    NoWorkingDayError (naming every such task, in input order) when a window holds no working day.
    Tasks in a visit keep their input order."""
    tasks = list(tasks)
    last = {
        task.task_id: last_working_day(task.window_start, task.window_end, is_working_day)
        for task in tasks
    }
    stranded = [task.task_id for task in tasks if last[task.task_id] is None]
    if stranded:
        raise NoWorkingDayError(stranded)
    order = {task.task_id: n for n, task in enumerate(tasks)}
    visits: list[PlannedVisit] = []
    by_enterprise: dict[str, list[MergeTask]] = {}
    for task in tasks:
        by_enterprise.setdefault(task.uscc, []).append(task)
    for uscc, own in by_enterprise.items():
        for task in own:
            if task.unannounced:
                visits.append(PlannedVisit(uscc, _day(last, task), (task,)))
        open_tasks = sorted(
            (task for task in own if not task.unannounced),
            key=lambda task: (_day(last, task), order[task.task_id]),
        )
        while open_tasks:
            day = _day(last, open_tasks[0])
            carried = sorted(
                (t for t in open_tasks if t.window_start <= day <= t.window_end),
                key=lambda task: order[task.task_id],
            )
            visits.append(PlannedVisit(uscc, day, tuple(carried)))
            taken = {t.task_id for t in carried}
            open_tasks = [t for t in open_tasks if t.task_id not in taken]
    return sorted(visits, key=lambda v: (v.uscc, v.date, order[v.tasks[0].task_id]))


def _day(last: dict[str, dt.date | None], task: MergeTask) -> dt.date:
    day = last[task.task_id]
    assert day is not None  # stranded tasks were refused above
    return day
