"""Registry pages: the list and record for the lead office and departments, the enterprise's
own record, the correction requests, and a department's file imports."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.pagination import EstimatedCountPaginator
from jinqi.core.permissions import requires
from jinqi.registry import selectors, services
from jinqi.registry.forms import (
    CorrectionAnswerForm,
    CorrectionForm,
    ImportUploadForm,
    RevealForm,
    SearchForm,
)
from jinqi.registry.importing import ImportFileError
from jinqi.registry.models import Enterprise
from jinqi.registry.permissions import (
    ANSWER_CORRECTIONS,
    OWN_RECORD,
    PUSH_FACTS,
    READ_PERSONAL,
    VIEW,
    can_read_personal,
)


@requires(VIEW)
@cached_page
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    enterprises = selectors.enterprise_search(
        request.user,
        query=data.get("q", ""),
        town=data.get("town", ""),
        industry=data.get("industry", ""),
    )
    # Millions of rows: no exact count of them all on every view (core/pagination.py).
    page = EstimatedCountPaginator(enterprises, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "form": form,
            "page_obj": page,
            "towns": Department.objects.units(),
        },
    )


def _record(
    request: AuthenticatedRequest,
    enterprise: Enterprise,
    *,
    unmasked: bool,
    reveal_form: RevealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "groups": selectors.fact_groups(enterprise),
            "addresses": enterprise.addresses.all(),
            "profile": getattr(enterprise, "profile", None),
            "certificates": selectors.certificate_statuses(enterprise),
            "unmasked": unmasked,
            "can_reveal": can_read_personal(request.user) and not unmasked,
            "reveal_form": reveal_form or RevealForm(),
            "is_own": enterprise.uscc == request.user.enterprise_uscc,
            "correction_form": CorrectionForm(),
            "corrections": selectors.corrections_for(request.user).filter(enterprise=enterprise),
        },
        status=status,
    )


@requires(VIEW)
def enterprise_detail(request: AuthenticatedRequest, uscc: str) -> HttpResponse:
    return _record(request, selectors.enterprise_for(request.user, uscc), unmasked=False)


@requires(READ_PERSONAL)
@require_POST
def enterprise_reveal(request: AuthenticatedRequest, uscc: str) -> HttpResponse:
    """Show the personal data once, for a stated reason, and audit who, when and why."""
    enterprise = selectors.enterprise_for(request.user, uscc)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            services.personal_data_read(
                enterprise=enterprise, acting_user=request.user, purpose=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error("reason", error.message)
        else:
            return _record(request, enterprise, unmasked=True)
    return _record(request, enterprise, unmasked=False, reveal_form=form, status=400)


@requires(OWN_RECORD)
def my_record(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = selectors.enterprise_of(request.user)
    if enterprise is None:
        return render(request, "registry/no_record.html", {"uscc": request.user.enterprise_uscc})
    services.personal_data_read(
        enterprise=enterprise, acting_user=request.user, purpose="own record"
    )
    return _record(request, enterprise, unmasked=True)


@requires(OWN_RECORD)
@require_POST
def fact_flag(request: AuthenticatedRequest, delivery_id: int, ref: str) -> HttpResponse:
    enterprise = selectors.enterprise_of(request.user)
    fact = selectors.enterprise_fact(enterprise, delivery_id, ref) if enterprise else None
    form = CorrectionForm(request.POST)
    if fact is None:
        messages.error(request, _("That fact is not in your record."))
    elif not form.is_valid():
        messages.error(request, _("Say what is wrong and what the right value is."))
    else:
        try:
            services.correction_request_raise(
                fact=fact, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Sent to the department that supplied the fact."))
    return redirect("registry:mine")


@requires(ANSWER_CORRECTIONS)
def corrections(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.corrections_for(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/corrections.html",
        {
            "page_obj": page,
            "form": CorrectionAnswerForm(),
            "today": clock.today(),
        },
    )


@requires(ANSWER_CORRECTIONS)
@require_POST
def correction_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    correction = selectors.corrections_for(request.user).filter(pk=pk).first()
    form = CorrectionAnswerForm(request.POST)
    if correction is None:
        messages.error(request, _("Not found."))
    elif not form.is_valid():
        messages.error(request, _("Choose a decision and write the answer."))
    else:
        try:
            services.correction_request_answer(
                request=correction,
                corrected=form.cleaned_data["corrected"],
                answer=form.cleaned_data["answer"],
                new_value=form.cleaned_data["new_value"],
                acting_user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The enterprise has been told."))
    return redirect("registry:corrections")


@requires(PUSH_FACTS)
def imports(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a file for import as one's own department; the department's past batches."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.import_file_queue(
                file=form.cleaned_data["file"],
                as_of=form.cleaned_data["as_of"],
                acting_user=request.user,
            )
        except ImportFileError as error:
            problems = error.problems
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("%(name)s is queued for import; its batch appears below when it starts.")
                % {"name": stored.original_name},
            )
            return redirect("registry:imports")
    page = Paginator(selectors.import_batches_for(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registry/imports.html",
        {
            "form": form,
            "problems": problems,
            "page_obj": page,
            "waiting": selectors.imports_waiting_for(request.user),
        },
    )


@requires(PUSH_FACTS)
def import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_for(request.user, pk)
    return render(
        request,
        "registry/import_detail.html",
        {
            "batch": batch,
            "rejections": selectors.import_rejections(batch),
            "shown": selectors.REJECTIONS_SHOWN,
        },
    )
