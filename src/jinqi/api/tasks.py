"""Background jobs of the API."""

from __future__ import annotations

from django_tasks import task

from jinqi.api.ratelimit import api_call_counts_prune


@task()
def api_call_counts_prune_task() -> int:
    """Delete per-minute call counts of minutes gone by (enqueued every ten minutes)."""
    return api_call_counts_prune()
