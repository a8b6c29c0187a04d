"""Credit repair and reports on the pages: the enterprise applies and issues reports (from its
credit page, `credit:mine`), the department works its repair queue. Thin: parse, call one
service or selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import requires
from jinqi.credit import repairs, reports
from jinqi.credit.enums import RepairState
from jinqi.credit.permissions import OWN_CREDIT
from jinqi.credit.repair_forms import RepairActForm, RepairForm, ReportForm
from jinqi.credit.repair_permissions import FOLLOW, REPAIR
from jinqi.credit.repair_workflow import REPAIR_WORKFLOW
from jinqi.registry.selectors import enterprise_of
from jinqi.web.actions import form_refused, perform


@requires(OWN_CREDIT)
def repair_apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = repairs.record_of(request.user, pk)
    materials = repairs.repair_materials(record)
    form = RepairForm(request.POST or None, request.FILES or None, materials=materials)
    if request.method == "POST" and form.is_valid():
        done = perform(
            request,
            lambda: repairs.repair_apply(
                record=record,
                statement=form.cleaned_data["statement"],
                materials=form.material_files(),
                acting_user=request.user,
            ),
            lambda a: (
                _("Your application is sent; the department accepts it by %(date)s.")
                % {"date": a.accept_due.isoformat()}
            ),
        )
        if done is not None:
            return redirect("credit:mine")
    return render(
        request,
        "credit/repair_apply.html",
        {
            "record": record,
            "materials": materials,
            "refusal": repairs.repair_refusal(record),
            "form": form,
        },
    )


@requires(FOLLOW)
def repair_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = repairs.repair_for(request.user, pk)
    return render(
        request,
        "credit/repair_detail.html",
        {
            "application": application,
            "record": application.record,
            "deadline": repairs.deadline(application),
            "actions": REPAIR_WORKFLOW.available(application, request.user),
            "materials": application.materials.select_related("file"),
            "held": [m for m in repairs.repair_materials(application.record) if m.held],
        },
    )


@requires(FOLLOW)
@require_POST
def repair_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = repairs.repair_for(request.user, pk)
    form = RepairActForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("credit:repair_detail", pk=application.pk)
    data = form.cleaned_data
    perform(
        request,
        lambda: repairs.repair_transition(
            application=application,
            action=data["action"],
            lock_version=data["lock_version"],
            text=data["text"] or "",
            extension_days=data["extension_days"] or repairs.MAX_EXTENSION,
            acting_user=request.user,
        ),
        lambda a: _("Done: %(state)s.") % {"state": RepairState(a.state).label},
    )
    return redirect("credit:repair_detail", pk=application.pk)


@requires(REPAIR)
def repair_queue(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(repairs.repair_queue(request.user), 25).get_page(request.GET.get("page"))
    rows = [(a, repairs.deadline(a)) for a in page]
    return render(request, "credit/repair_queue.html", {"page_obj": page, "rows": rows})


@requires(OWN_CREDIT)
@require_POST
def report_issue(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = enterprise_of(request.user)
    form = ReportForm(request.POST)
    if enterprise is None or not form.is_valid():
        form_refused(request, form)
        return redirect("credit:mine")
    data = form.cleaned_data
    report = perform(
        request,
        lambda: reports.credit_report_issue(
            enterprise=enterprise,
            period_start=data["period_start"],
            period_end=data["period_end"],
            domains=data["domains"],
            acting_user=request.user,
        ),
        lambda r: (
            _("The report is issued; its verification code is %(code)s.") % {"code": r.short_code}
        ),
    )
    if report is None:
        return redirect("credit:mine")
    return redirect("verify:document", code=report.short_code)
