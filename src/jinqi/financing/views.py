"""The financing pages: the public catalogue, the enterprise's products, requests and consents,
the institution's requests and packages, the finance office's catalogue and statistics. Thin:
parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core import clock
from jinqi.core.errors import PermissionDenied as DomainPermissionDenied
from jinqi.core.models import WorkflowStep
from jinqi.core.permissions import PUBLIC, has_capability, requires
from jinqi.financing import eligibility, packages, selectors, services, statistics
from jinqi.financing.enums import ReadChannel, RequestState
from jinqi.financing.forms import ConsentForm, ProductForm, RequestActForm, RequestForm
from jinqi.financing.models import FinancingRequest
from jinqi.financing.permissions import (
    CONSENT,
    FOLLOW,
    OVERSEE,
    REQUEST,
    WORK,
    is_finance_office,
)
from jinqi.financing.workflow import REQUEST_WORKFLOW
from jinqi.web.actions import form_refused, perform

DEFAULT_CONSENT_DAYS = 90  # offered on the form; the enterprise chooses up to a year


@requires(PUBLIC)
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    products = [
        (p, eligibility.rule_in_words(p.eligibility_sql)) for p in selectors.products_offered()
    ]
    return render(request, "financing/catalogue.html", {"products": products})


@requires(REQUEST)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = selectors.own_enterprise(request.user)
    return render(
        request,
        "financing/mine.html",
        {
            "enterprise": enterprise,
            "verdicts": eligibility.products_for(enterprise, clock.today()),
            "requests": selectors.requests_visible_to(request.user),
            "consents": selectors.consents_of_enterprise(request.user),
            "today": clock.today(),
        },
    )


@requires(REQUEST)
def request_new(request: AuthenticatedRequest) -> HttpResponse:
    selectors.own_enterprise(request.user)
    form = RequestForm(request.POST or None, initial={"products": request.GET.getlist("product")})
    if request.method == "POST" and form.is_valid():
        done = perform(
            request,
            lambda: services.request_submit(data=form.request_data(), acting_user=request.user),
            lambda r: (
                _("Your request %(reference)s is published to the institutions.")
                % {"reference": r.reference}
            ),
        )
        if done is not None:
            return redirect("financing:request_detail", pk=done.pk)
    return render(request, "financing/request_new.html", {"form": form})


def _conversation(financing_request: FinancingRequest) -> list[WorkflowStep]:
    return list(
        WorkflowStep.objects.filter(
            workflow=FinancingRequest._meta.label_lower, object_id=financing_request.pk
        ).select_related("actor")
    )


@requires(FOLLOW)
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    financing_request = selectors.request_for(request.user, pk)
    consents = []
    if has_capability(request.user, WORK):
        consents = [
            c
            for c in selectors.consents_of_institution(request.user).filter(
                enterprise=financing_request.enterprise
            )
            if packages.refusal(c, clock.today()) is None
        ]
    return render(
        request,
        "financing/request_detail.html",
        {
            "item": financing_request,
            "steps": _conversation(financing_request),
            "actions": REQUEST_WORKFLOW.available(financing_request, request.user),
            "consents": consents,
            "products": financing_request.products.all(),
        },
    )


@requires(FOLLOW)
@require_POST
def request_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    financing_request = selectors.request_for(request.user, pk)
    form = RequestActForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("financing:request_detail", pk=financing_request.pk)
    data = form.cleaned_data
    perform(
        request,
        lambda: services.request_transition(
            request=financing_request,
            action=data["action"],
            lock_version=data["lock_version"],
            text=data["text"] or "",
            terms=form.terms(),
            acting_user=request.user,
        ),
        lambda r: _("Done: %(state)s.") % {"state": RequestState(r.state).label},
    )
    return redirect("financing:request_detail", pk=financing_request.pk)


@requires(REQUEST)
def consent_new(request: AuthenticatedRequest) -> HttpResponse:
    requests = selectors.requests_visible_to(request.user)
    today = clock.today()
    initial = {
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=DEFAULT_CONSENT_DAYS - 1),
        "request": request.GET.get("request"),
        "institution": request.GET.get("institution"),
    }
    form = ConsentForm(request.POST or None, requests=requests, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = perform(
            request,
            lambda: services.consent_grant(data=form.consent_data(), acting_user=request.user),
            lambda c: (
                _("%(institution)s may read your data package until %(date)s.")
                % {"institution": c.institution.name, "date": c.valid_until.isoformat()}
            ),
        )
        if done is not None:
            return redirect("financing:consent_detail", pk=done.pk)
    return render(
        request,
        "financing/consent_new.html",
        {"form": form, "sections": packages.SECTIONS},
    )


@requires(CONSENT)
def consent_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_for(request.user, pk)
    return render(
        request,
        "financing/consent_detail.html",
        {
            "consent": consent,
            "status": consent.status_on(clock.today()),
            "refusal": packages.refusal(consent, clock.today()),
            "reads": consent.reads.select_related("reader"),
            "is_enterprise": has_capability(request.user, REQUEST),
            "sections": packages.SECTIONS,
        },
    )


@requires(REQUEST)
@require_POST
def consent_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_for(request.user, pk)
    perform(
        request,
        lambda: services.consent_withdraw(consent=consent, acting_user=request.user),
        lambda c: (
            _("Withdrawn: %(institution)s can no longer read your data package.")
            % {"institution": c.institution.name}
        ),
    )
    return redirect("financing:consent_detail", pk=consent.pk)


@requires(WORK)
def institution(request: AuthenticatedRequest) -> HttpResponse:
    own = selectors.own_institution(request.user)
    requests = selectors.requests_visible_to(request.user)
    return render(
        request,
        "financing/institution.html",
        {
            "institution": own,
            "waiting": requests.filter(state=RequestState.SUBMITTED),
            "held": requests.filter(institution=own),
            "today": clock.today(),
        },
    )


@requires(WORK)
def consents_received(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "financing/consents_received.html",
        {
            "institution": selectors.own_institution(request.user),
            "consents": selectors.consents_of_institution(request.user),
            "today": clock.today(),
        },
    )


@requires(WORK)
def package(request: AuthenticatedRequest, uscc: str, consent: int) -> HttpResponse:
    """The package on a page, under the same gate as the API (a refusal is a 403 page that
    says why)."""
    selectors.own_institution(request.user)
    try:
        found = packages.package_read(
            uscc=uscc, consent_id=consent, channel=ReadChannel.PAGE, acting_user=request.user
        )
    except DomainPermissionDenied as refusal:
        return render(
            request, "financing/package_refused.html", {"reason": refusal.message}, status=403
        )
    return render(request, "financing/package.html", {"package": found})


@requires(OVERSEE)
def oversight(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "financing/oversight.html",
        {
            "statistics": statistics.statistics(),
            "overdue": selectors.overdue_requests(request.user),
            "products": selectors.products_offered(),
            "finance_office": is_finance_office(request.user),
        },
    )


@requires(OVERSEE)
def product_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    product = selectors.product_managed(request.user, pk) if pk is not None else None
    if product is None:
        selectors.products_managed(request.user)  # a 404 for anyone but the finance office
    initial = {name: getattr(product, name) for name in services.PRODUCT_FIELDS} if product else {}
    form = ProductForm(request.POST or None, initial=initial or {"active": True})
    if request.method == "POST" and form.is_valid():
        done = perform(
            request,
            lambda: services.product_save(
                product=product, data=form.product_data(), acting_user=request.user
            ),
            lambda p: _("Saved: %(name)s.") % {"name": p.name},
        )
        if done is not None:
            return redirect("financing:oversight")
    return render(request, "financing/product_edit.html", {"form": form, "product": product})
