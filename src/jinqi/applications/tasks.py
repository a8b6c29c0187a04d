"""Background jobs of applications."""

from __future__ import annotations

from django_tasks import task

from jinqi.applications.services import drafts_remind_stale


@task()
def drafts_remind_stale_task() -> int:
    return drafts_remind_stale()
