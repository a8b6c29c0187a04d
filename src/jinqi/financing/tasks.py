"""Background jobs of financing (enqueued by the scheduler in `jinqi worker`)."""

from __future__ import annotations

from django_tasks import task

from jinqi.financing.services import requests_escalate


@task()
def requests_escalate_task() -> int:
    """Send requests whose decision is overdue to the finance office."""
    return requests_escalate()
