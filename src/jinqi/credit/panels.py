"""The credit panel of the enterprise's own page: its records and their repair days."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.core.permissions import has_capability
from jinqi.credit import permissions
from jinqi.credit.selectors import RecordView, records_of_enterprise
from jinqi.credit.services import record_dates
from jinqi.registry.selectors import enterprise_of

SHOWN = 5


def my_credit_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not has_capability(request.user, permissions.OWN_CREDIT):
        return None
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return None
    records = [RecordView(r, record_dates(r)) for r in records_of_enterprise(enterprise)[:SHOWN]]
    in_force = [r for r in records if r.record.status == "published"]
    return {"records": records, "attention": bool(in_force), "badge": len(in_force) or None}
