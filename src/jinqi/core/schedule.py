"""Periodic jobs: apps register them; `jinqi worker` runs them with APScheduler.

django-tasks has no periodic jobs, so the scheduler only enqueues the app's task at the right
time and the task worker runs it like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PeriodicJob:
    key: str
    enqueue: Callable[[], Any]
    cron: dict[str, Any] = field(default_factory=dict)  # APScheduler cron fields
    run_at_start: bool = False


_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(job: PeriodicJob) -> None:
    _jobs[job.key] = job


def periodic_jobs() -> list[PeriodicJob]:
    return list(_jobs.values())
