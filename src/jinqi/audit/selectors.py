"""Reads of the audit trail, for those who may read it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jinqi.audit.models import AuditEvent
from jinqi.audit.permissions import READ_TRAIL
from jinqi.core.permissions import has_capability


def audit_events_visible_to(user: Any, *, action: str = "") -> QuerySet[AuditEvent]:
    """The whole trail for the audit administrator and the lead office, nothing for others."""
    if not has_capability(user, READ_TRAIL):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("actor")
    return events.filter(action=action) if action else events
