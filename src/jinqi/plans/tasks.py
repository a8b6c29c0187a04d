"""Background jobs of the plans app."""

from __future__ import annotations

from django_tasks import task

from jinqi.plans.alerts import alerts_send


@task()
def plan_alerts_send() -> int:
    return alerts_send()
