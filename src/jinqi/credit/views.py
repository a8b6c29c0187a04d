"""The credit pages: the enterprise's own records and dates, a department's records and the
gates they fired, the lead office's overview, reorganisations and sampling ratios."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import requires
from jinqi.credit import permissions, selectors, services
from jinqi.credit.forms import (
    CloseReorganisationForm,
    RecordForm,
    ReorganisationForm,
    SamplingRatioForm,
)
from jinqi.registry.models import Enterprise
from jinqi.web.actions import form_refused, perform

PAGE_SIZE = 20


@requires(permissions.OWN_CREDIT)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = selectors.own_enterprise(request.user)
    records = selectors.my_records(request.user)
    return render(
        request,
        "credit/mine.html",
        {
            "enterprise": enterprise,
            "page_obj": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
            "reorganisation": selectors.reorganisation_in_force(enterprise),
            "gate_events": selectors.gate_events_of_enterprise(enterprise)[:20],
        },
    )


@requires(permissions.VIEW_DEPARTMENT)
def department(request: AuthenticatedRequest) -> HttpResponse:
    records = selectors.department_records(request.user)
    events = selectors.department_gate_events(request.user)
    return render(
        request,
        "credit/department.html",
        {
            "page_obj": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
            "events": Paginator(events, PAGE_SIZE).get_page(request.GET.get("events")),
            "form": RecordForm(),
        },
    )


@requires(permissions.DELIVER_RECORDS)
def record_new(request: AuthenticatedRequest) -> HttpResponse:
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record, created = services.credit_record_deliver(
                uscc=form.cleaned_data["uscc"], data=form.record_in(), acting_user=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "The record %(number)s was published; the enterprise was told its repair "
                        "day."
                    )
                    % {"number": record.decision_number},
                )
            else:
                messages.info(
                    request, _("This decision was delivered already; nothing new was stored.")
                )
            return redirect("credit:department")
    return render(request, "credit/record_new.html", {"form": form})


@requires(permissions.OVERSEE)
def lead(request: AuthenticatedRequest) -> HttpResponse:
    ratios = selectors.sampling_ratios()
    initial: dict[str, object] = {}
    for ratio in ratios:
        initial[f"percent_{ratio.risk_class}"] = ratio.percent
        initial[f"visits_{ratio.risk_class}"] = ratio.visits_per_year
    reorganisations = selectors.reorganisations_for(request.user)
    return render(
        request,
        "credit/lead.html",
        {
            "overview": selectors.lead_overview(request.user),
            "ratios": ratios,
            "ratio_form": SamplingRatioForm(initial=initial),
            "reorganisations": Paginator(reorganisations, PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "reorganisation_form": ReorganisationForm(),
            "gates": selectors.credit_gates(),
        },
    )


@requires(permissions.CONFIGURE)
@require_POST
def ratios(request: AuthenticatedRequest) -> HttpResponse:
    form = SamplingRatioForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
    else:
        perform(
            request,
            lambda: services.sampling_ratios_set(
                percents=form.percents(), visits=form.visits(), acting_user=request.user
            ),
            lambda _r: _("The sampling ratios were saved."),
        )
    return redirect("credit:lead")


@requires(permissions.MANAGE_REORGANISATIONS)
@require_POST
def reorganisation_new(request: AuthenticatedRequest) -> HttpResponse:
    form = ReorganisationForm(request.POST, request.FILES)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("credit:lead")
    data = form.cleaned_data
    enterprise = Enterprise.objects.filter(uscc=data["uscc"].strip().upper()).first()
    if enterprise is None:
        messages.error(request, _("No enterprise in the registry has this credit code."))
        return redirect("credit:lead")

    def register() -> object:
        with transaction.atomic():
            return services.reorganisation_register(
                enterprise=enterprise,
                kind=data["kind"],
                court=data["court"],
                ruling_number=data["ruling_number"],
                ruled_on=data["ruled_on"],
                ruling=data["ruling"],
                acting_user=request.user,
            )

    perform(
        request,
        register,
        lambda _r: _("The ruling is on file: the enterprise's records are masked."),
    )
    return redirect("credit:lead")


@requires(permissions.MANAGE_REORGANISATIONS)
@require_POST
def reorganisation_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reorganisation = selectors.reorganisation_for(request.user, pk)
    form = CloseReorganisationForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("credit:lead")
    data = form.cleaned_data
    perform(
        request,
        lambda: services.reorganisation_close(
            reorganisation=reorganisation,
            action=data["action"],
            lock_version=data["lock_version"],
            acting_user=request.user,
            closed_on=data["closed_on"],
            note=data["note"] or "",
        ),
        lambda _r: _("The reorganisation is closed: the records are assessed again."),
    )
    return redirect("credit:lead")
