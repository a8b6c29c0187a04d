"""Background jobs of appeals (enqueued by the scheduler in `jinqi worker`)."""

from __future__ import annotations

from django_tasks import task

from jinqi.appeals.services import appeals_escalate_overdue, appeals_follow_up_due


@task()
def appeals_escalate_overdue_task() -> int:
    return appeals_escalate_overdue()


@task()
def appeals_follow_up_due_task() -> int:
    return appeals_follow_up_due()
