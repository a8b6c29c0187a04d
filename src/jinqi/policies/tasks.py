"""Background jobs of the policies app."""

from __future__ import annotations

from django_tasks import task

from jinqi.policies.offers import offers_expire
from jinqi.policies.services import matches_refresh_changed


@task()
def matches_refresh_changed_task() -> int:
    """Re-evaluate enterprises whose facts changed against every live policy."""
    return matches_refresh_changed()


@task()
def offers_expire_task() -> int:
    """Expire unanswered offers past their last day, offer the places on, send reminders."""
    return offers_expire()
