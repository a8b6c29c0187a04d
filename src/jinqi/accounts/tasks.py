"""Background jobs of accounts (enqueued by the scheduler in `jinqi worker`)."""

from __future__ import annotations

from django_tasks import task

from jinqi.accounts.services import api_tokens_expire, system_user


@task()
def api_tokens_expire_task() -> int:
    """Record the API tokens that expired since the last run (enqueued daily)."""
    return api_tokens_expire(acting_user=system_user())
