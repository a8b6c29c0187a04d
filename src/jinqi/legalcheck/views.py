"""The legal health check pages: the enterprise asks and follows (`mine`, `detail`), the
provider takes, fills in, reports, agrees rectifications and closes at the return visit
(`queue`, `detail`, `fill`), the 区司法局 edits the checklist (`checklist`). Thin: parse, call one
service or selector, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import requires
from jinqi.legalcheck import permissions, selectors, services
from jinqi.legalcheck.enums import CheckState
from jinqi.legalcheck.forms import (
    FindingsForm,
    ItemForm,
    RectificationForm,
    RequestForm,
    StepForm,
    VisitForm,
)
from jinqi.legalcheck.models import ChecklistItem, LegalCheck
from jinqi.legalcheck.workflow import LEGAL_CHECK_WORKFLOW
from jinqi.web.actions import form_refused, perform

STEP_SERVICES = {
    "accept": services.legal_check_accept,
    "withdraw": services.legal_check_withdraw,
    "report": services.legal_check_report,
}


@requires(permissions.REQUEST)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = selectors.own_enterprise(request.user)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = perform(
            request,
            lambda: services.legal_check_request(
                enterprise=enterprise,
                topics=form.cleaned_data["topics"] or "",
                acting_user=request.user,
            ),
            lambda _c: _("Your request is sent to the district Bureau of Justice."),
        )
        if check is not None:
            return redirect("legalcheck:detail", pk=check.pk)
    return render(
        request,
        "legalcheck/mine.html",
        {"checks": selectors.checks_of_enterprise(enterprise), "form": form},
    )


@requires(permissions.PROVIDE)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "legalcheck/queue.html",
        {
            "checks": selectors.provider_checks(request.user),
            "is_provider": permissions.is_provider(request.user),
        },
    )


def _detail_context(request: AuthenticatedRequest, check: LegalCheck) -> dict[str, object]:
    rectifications = list(check.rectifications.select_related("finding__item"))
    return {
        "check": check,
        "sheet": selectors.check_sheet(check),
        "counts": selectors.grade_counts(check),
        "rectifications": rectifications,
        "document": selectors.report_document(check),
        "actions": LEGAL_CHECK_WORKFLOW.available(check, request.user),
        "rectification_form": RectificationForm(check=check)
        if check.state == CheckState.IN_PROGRESS
        else None,
        "visit_form": VisitForm(
            initial={"lock_version": check.lock_version}, rectifications=rectifications
        )
        if check.state == CheckState.REPORTED
        else None,
    }


@requires(permissions.FOLLOW)
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    return render(request, "legalcheck/detail.html", _detail_context(request, check))


@requires(permissions.FOLLOW)
@require_POST
def step(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("legalcheck:detail", pk=check.pk)
    service = STEP_SERVICES[form.cleaned_data["action"]]
    perform(
        request,
        lambda: service(
            check=check, lock_version=form.cleaned_data["lock_version"], acting_user=request.user
        ),
        lambda c: _("Done: %(state)s.") % {"state": CheckState(c.state).label},
    )
    return redirect("legalcheck:detail", pk=check.pk)


@requires(permissions.PROVIDE)
def fill(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    items = list(ChecklistItem.objects.active())
    findings = {f.item_id: f for f in check.findings.all()}
    form = FindingsForm(request.POST or None, items=items, findings=findings)
    if request.method == "POST" and form.is_valid():
        saved = perform(
            request,
            lambda: services.findings_save(
                check=check, answers=form.answers(), acting_user=request.user
            ),
            lambda s: _("%(count)s answers saved.") % {"count": len(s)},
        )
        if saved is not None:
            return redirect("legalcheck:detail", pk=check.pk)
    return render(
        request,
        "legalcheck/fill.html",
        {"check": check, "form": form, "sections": _by_section(form)},
    )


def _by_section(form: FindingsForm) -> list[tuple[str, list[object]]]:
    labels = {s.section: s.label for s in selectors.checklist()}
    grouped: dict[str, list[object]] = {}
    for row in form.rows():
        grouped.setdefault(row[0].section, []).append(row)
    return [(labels[key], grouped[key]) for key in labels if key in grouped]


@requires(permissions.PROVIDE)
@require_POST
def rectification_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    form = RectificationForm(request.POST, check=check)
    if not form.is_valid():
        form_refused(request, form)
    else:
        data = form.cleaned_data
        perform(
            request,
            lambda: services.rectification_add(
                check=check,
                finding=data["finding"],
                action=data["action"],
                working_days=data["working_days"],
                acting_user=request.user,
            ),
            lambda r: _("Agreed: due on %(date)s.") % {"date": r.due_on.isoformat()},
        )
    return redirect("legalcheck:detail", pk=check.pk)


@requires(permissions.PROVIDE)
@require_POST
def visit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    form = VisitForm(request.POST, rectifications=list(check.rectifications.all()))
    if not form.is_valid():
        form_refused(request, form)
    else:
        perform(
            request,
            lambda: services.return_visit(
                check=check,
                lock_version=form.cleaned_data["lock_version"],
                results=form.results(),
                note=form.cleaned_data["note"],
                acting_user=request.user,
            ),
            lambda _c: _("The return visit is recorded and the check is closed."),
        )
    return redirect("legalcheck:detail", pk=check.pk)


@requires(permissions.READ_CHECKLIST)
def checklist(request: AuthenticatedRequest) -> HttpResponse:
    editor = permissions.can_edit_checklist(request.user)
    form = ItemForm(request.POST or None) if editor else None
    if request.method == "POST" and form is not None and form.is_valid():
        item = perform(
            request,
            lambda: services.checklist_item_save(
                item=None, data=form.item_data(), acting_user=request.user
            ),
            lambda i: _("The item “%(question)s” is added.") % {"question": i.question},
        )
        if item is not None:
            return redirect("legalcheck:checklist")
    return render(
        request,
        "legalcheck/checklist.html",
        {
            "sections": selectors.checklist(include_retired=editor),
            "form": form,
            "editor": editor,
        },
    )


@requires(permissions.EDIT_CHECKLIST)
def item_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = selectors.checklist_item_for(request.user, pk)
    initial = {
        field: getattr(item, field)
        for field in ("section", "number", "question", "guidance", "basis", "prefill", "active")
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = perform(
            request,
            lambda: services.checklist_item_save(
                item=item, data=form.item_data(), acting_user=request.user
            ),
            lambda i: _("The item “%(question)s” is saved.") % {"question": i.question},
        )
        if saved is not None:
            return redirect("legalcheck:checklist")
    return render(request, "legalcheck/item_edit.html", {"item": item, "form": form})
