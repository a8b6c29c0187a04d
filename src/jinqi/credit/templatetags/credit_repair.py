"""Repair and reports on the enterprise's credit page: the repair state or button of one record,
and the applications and reports below the records."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Paginator

from jinqi.core import clock
from jinqi.credit import repairs, reports
from jinqi.credit.models import CreditRecord
from jinqi.credit.repair_forms import ReportForm

register = template.Library()

REPORTS_PER_PAGE = 10


@register.inclusion_tag("credit/_repair_action.html")
def repair_action(record: CreditRecord) -> dict[str, Any]:
    """What the enterprise can do about one record now: follow its open application, apply, or
    read why not yet; and what an application needs (两书同达)."""
    open_repair = record.repairs.filter(state__in=repairs.OPEN_REPAIR_STATES).first()
    return {
        "record": record,
        "open_repair": open_repair,
        "refusal": None if open_repair else repairs.repair_refusal(record),
        "materials": repairs.repair_materials(record),
    }


@register.inclusion_tag("credit/_repairs_and_reports.html", takes_context=True)
def repairs_and_reports(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    today = clock.today()
    page = Paginator(reports.reports_of(request.user), REPORTS_PER_PAGE).get_page(
        request.GET.get("reports")
    )
    return {
        "csrf_token": context.get("csrf_token"),
        "applications": repairs.repairs_visible_to(request.user)[:20],
        "reports": page,
        "report_form": ReportForm(
            initial={"period_start": reports.earliest_start(today), "period_end": today}
        ),
    }
