"""The audit trail's page: read-only, for the audit administrator and the lead office."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jinqi.audit.enums import AuditAction
from jinqi.audit.permissions import READ_TRAIL
from jinqi.audit.selectors import audit_events_visible_to
from jinqi.core.permissions import requires


@requires(READ_TRAIL)
def audit_trail(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    events = audit_events_visible_to(request.user, action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/trail.html",
        {"page_obj": page, "actions": AuditAction.choices, "action": action},
    )
