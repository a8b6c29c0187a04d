"""The visit pages: the lead office builds visits and watches them; a department records its
results and re-checks; the enterprise keeps its ledger, reports rectifications and rates. Thin:
parse, call one service or selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import has_capability, requires
from jinqi.inspections import results, visit_statistics, visits
from jinqi.inspections.visit_forms import FindingsForm, RatingForm, StepForm
from jinqi.inspections.visit_permissions import (
    BUILD_VISITS,
    FOLLOW_VISIT,
    OVERSEE_VISITS,
    OWN_INSPECTIONS,
    WORK_VISITS,
)
from jinqi.inspections.visit_selectors import (
    ledger_of,
    rectification_for,
    visit_for,
    visit_sheet,
    visits_visible_to,
)
from jinqi.inspections.visit_workflow import RECTIFICATION_WORKFLOW, VISIT_WORKFLOW
from jinqi.web.actions import form_refused, perform


@requires(FOLLOW_VISIT)
def visit_list(request: AuthenticatedRequest) -> HttpResponse:
    if has_capability(request.user, OWN_INSPECTIONS):
        return redirect("inspection_visits:ledger")
    page = Paginator(
        visits_visible_to(request.user).prefetch_related("tasks__department"), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/visits/list.html",
        {"page_obj": page, "can_build": has_capability(request.user, BUILD_VISITS)},
    )


@requires(BUILD_VISITS)
@require_POST
def visit_build(request: AuthenticatedRequest) -> HttpResponse:
    perform(
        request,
        lambda: visits.visits_build(acting_user=request.user),
        lambda built: (
            _("%(tasks)s tasks make %(visits)s visits: %(saved)s visits saved by merging.")
            % {"tasks": built.tasks, "visits": len(built.visits), "saved": built.saved}
        ),
    )
    return redirect("inspection_visits:list")


@requires(FOLLOW_VISIT)
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = visit_for(request.user, pk)
    sheet = visit_sheet(visit)
    own_items = [
        item for item in sheet.unrecorded if item.department_id == request.user.department_id
    ]
    actions = {
        row.rectification.pk: RECTIFICATION_WORKFLOW.available(row.rectification, request.user)
        for row in sheet.findings
        if row.rectification is not None
    }
    return render(
        request,
        "inspections/visits/detail.html",
        {
            "sheet": sheet,
            "visit": visit,
            "findings_form": FindingsForm(items=own_items)
            if own_items and has_capability(request.user, WORK_VISITS)
            else None,
            # A visit begins with its first results, not with a button.
            "visit_actions": [
                t for t in VISIT_WORKFLOW.available(visit, request.user) if t.action != "begin"
            ],
            "rectification_actions": actions,
            "can_rate": has_capability(request.user, OWN_INSPECTIONS)
            and visit.state == "done"
            and not hasattr(visit, "rating"),
            "rating_form": RatingForm(),
        },
    )


@requires(WORK_VISITS)
@require_POST
def findings_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = visit_for(request.user, pk)
    sheet = visit_sheet(visit)
    form = FindingsForm(
        request.POST,
        items=[i for i in sheet.unrecorded if i.department_id == request.user.department_id],
    )
    if not form.is_valid():
        form_refused(request, form)
    else:
        perform(
            request,
            lambda: results.findings_record(
                visit=visit, entries=form.entries(), acting_user=request.user
            ),
            lambda found: _("%(count)s results recorded.") % {"count": len(found)},
        )
    return redirect("inspection_visits:detail", pk=visit.pk)


@requires(WORK_VISITS)
@require_POST
def visit_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = visit_for(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in ("close", "cancel"):
        form_refused(request, form)
        return redirect("inspection_visits:detail", pk=visit.pk)
    data = form.cleaned_data
    if data["action"] == "close":
        perform(
            request,
            lambda: visits.visit_close(
                visit=visit, lock_version=data["lock_version"], acting_user=request.user
            ),
            lambda v: _("The visit is closed."),
        )
    else:
        perform(
            request,
            lambda: visits.visit_cancel(
                visit=visit,
                lock_version=data["lock_version"],
                reason=data["text"] or "",
                acting_user=request.user,
            ),
            lambda v: _("The visit is cancelled and its inspection code revoked."),
        )
    return redirect("inspection_visits:detail", pk=visit.pk)


@requires(FOLLOW_VISIT)
@require_POST
def rectification_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rectification = rectification_for(request.user, pk)
    visit_pk = rectification.finding.visit_id
    form = StepForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in ("report", "pass", "fail"):
        form_refused(request, form)
        return redirect("inspection_visits:detail", pk=visit_pk)
    data = form.cleaned_data
    perform(
        request,
        lambda: results.rectification_act(
            rectification=rectification,
            action=data["action"],
            lock_version=data["lock_version"],
            text=data["text"] or "",
            days=data["days"],
            acting_user=request.user,
        ),
        lambda r: _("Done: %(state)s.") % {"state": r.get_state_display()},
    )
    return redirect("inspection_visits:detail", pk=visit_pk)


@requires(OWN_INSPECTIONS)
@require_POST
def visit_rate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = visit_for(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
    else:
        perform(
            request,
            lambda: results.visit_rate(
                visit=visit,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"] or "",
                acting_user=request.user,
            ),
            lambda r: _(
                "Thank you: your rating is recorded. The department sees it only "
                "as part of an average."
            ),
        )
    return redirect("inspection_visits:detail", pk=visit.pk)


@requires(OWN_INSPECTIONS)
def ledger(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "inspections/visits/ledger.html", {"sheets": ledger_of(request.user)})


@requires(OVERSEE_VISITS)
def statistics(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "inspections/visits/statistics.html",
        {
            "figures": visit_statistics.figures(),
            "over_cap": visits.visits_over_cap().select_related("enterprise", "lead_department"),
            "ratings": visit_statistics.department_ratings(),
        },
    )
