"""The lead office's pages: the routing table, the escalated appeals and the statistics."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.appeals import charts, selectors, services, statistics
from jinqi.appeals.forms import PeriodForm, RoutingForm
from jinqi.appeals.models import DeadlineRegime
from jinqi.appeals.permissions import SUPERVISE
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import requires
from jinqi.web.spreadsheets import xlsx_response


@requires(SUPERVISE)
def routing(request: AuthenticatedRequest) -> HttpResponse:
    categories = list(selectors.routing_table())
    regimes = DeadlineRegime.objects.order_by("code")
    form = RoutingForm(
        request.POST or None,
        categories=categories,
        departments=selectors.handling_departments(),
        regimes=regimes,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                for category in categories:
                    services.category_save(
                        category=category,
                        department=data[f"department_{category.pk}"],
                        regime=data[f"regime_{category.pk}"],
                        is_active=data[f"active_{category.pk}"],
                        acting_user=request.user,
                    )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The routing table is saved."))
            return redirect("appeals:routing")
    return render(request, "appeals/lead/routing.html", {"form": form, "regimes": regimes})


@requires(SUPERVISE)
def escalations(request: AuthenticatedRequest) -> HttpResponse:
    appeals = list(selectors.escalated(request.user)[:500])
    limits = selectors.deadlines(appeals)
    return render(
        request,
        "appeals/lead/escalations.html",
        {"rows": [(a, limits[a.pk]) for a in appeals]},
    )


def _period(request: AuthenticatedRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    today = clock.today()
    default = {"start": dt.date(today.year, 1, 1), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


@requires(SUPERVISE)
@cached_page
def statistics_page(request: AuthenticatedRequest) -> HttpResponse:
    form, start, end = _period(request)
    rows = statistics.by_department(start, end)
    return render(
        request,
        "appeals/lead/statistics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "total": statistics.district(start, end),
            "chart_rates": charts.rates_bar(rows),
            "query": request.GET.urlencode(),
        },
    )


@requires(SUPERVISE)
def statistics_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    _form, start, end = _period(request)
    rows = [*statistics.by_department(start, end), statistics.district(start, end)]
    header = [
        _("Department"),
        _("Number of appeals"),
        _("First responses due"),
        pgettext("appeal statistics", "Responded on time"),
        _("Response rate (%)"),
        pgettext("appeal statistics", "Closed"),
        pgettext("appeal statistics", "Solved"),
        _("Resolution rate (%)"),
        _("Rated"),
        _("Satisfied (4–5)"),
        _("Satisfaction rate (%)"),
        _("Reopened"),
        _("Reopen rate (%)"),
        _("Open and overdue"),
    ]
    body = (
        [
            f.department.name if f.department else _("District total"),
            f.volume,
            f.responses_due,
            f.responded_on_time,
            f.response_rate,
            f.closed,
            f.solved,
            f.resolution_rate,
            f.rated,
            f.satisfied,
            f.satisfaction_rate,
            f.reopened,
            f.reopen_rate,
            f.open_overdue,
        ]
        for f in rows
    )
    return xlsx_response(
        f"appeals-statistics-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", _("Appeal statistics"), header, body
    )
