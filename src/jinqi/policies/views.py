"""Policy pages: the public catalogue and award lists, an enterprise's "policies for me", and the
department's drafting, testing, publishing, matched list and auto-grant pipeline."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import PUBLIC, has_capability, requires
from jinqi.policies import selectors, services
from jinqi.policies.enums import Delivery, GrantState, Outcome, PolicyState
from jinqi.policies.forms import (
    CatalogueFilterForm,
    GrantConfirmForm,
    GrantDeclineForm,
    MatchFilterForm,
    PolicyForm,
    RuleTestForm,
)
from jinqi.policies.models import Grant, Policy
from jinqi.policies.permissions import FOR_ME, MANAGE, VIEW, can_manage
from jinqi.policies.rule_rows import rule_rows
from jinqi.registry.rules_vocabulary import label
from jinqi.registry.selectors import enterprise_of
from jinqi.web.actions import perform
from jinqi.web.spreadsheets import csv_text, xlsx_response

PAGE_SIZE = 25

# -- public ---------------------------------------------------------------------------------------


@requires(PUBLIC)
@cached_page
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    policies = selectors.policies_published(
        department=data.get("department", ""),
        delivery=data.get("delivery", ""),
        in_force_on=clock.today() if data.get("in_force") else None,
    )
    return render(
        request,
        "policies/catalogue.html",
        {
            "form": form,
            "page_obj": Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page")),
            "departments": selectors.catalogue_departments(),
            "deliveries": Delivery.choices,
            "today": clock.today(),
        },
    )


@requires(PUBLIC)
@cached_page
def detail(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_published(code)
    version = policy.versions.first()
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "version": version,
            "conditions": selectors.rule_conditions(version.sql) if version else [],
            "staff_note": selectors.policy_staff_note(policy, request.user),
            "today": clock.today(),
        },
    )


@requires(PUBLIC)
def awards(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_published(code)
    grants = selectors.awards_published(policy) if policy.awards_published_at else None
    return render(request, "policies/awards.html", {"policy": policy, "grants": grants})


AWARD_COLUMNS = ("policy", "enterprise", "uscc", "amount_10k_cny", "state", "published_at")


def _award_rows(policy: Policy, grants: QuerySet[Grant]) -> list[dict[str, Any]]:
    # Open data keeps its English keys; the time is local (+08:00), as the pages show it.
    published = (
        localtime(policy.awards_published_at).isoformat(timespec="seconds")
        if policy.awards_published_at
        else ""
    )
    return [
        {
            "policy": policy.code,
            "enterprise": g.enterprise.name,
            "uscc": g.enterprise.uscc,
            "amount_10k_cny": str(g.amount) if g.amount is not None else "",
            "state": g.state,
            "published_at": published,
        }
        for g in grants
    ]


@requires(PUBLIC)
def awards_csv(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.policy_published(code)
    rows = _award_rows(policy, selectors.awards_published(policy))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AWARD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: csv_text(value) for key, value in row.items()} for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{policy.code}-awards.csv"'
    return response


@requires(PUBLIC)
def awards_json(request: HttpRequest, code: str) -> JsonResponse:
    policy = selectors.policy_published(code)
    rows = _award_rows(policy, selectors.awards_published(policy))
    return JsonResponse(
        {"policy": policy.code, "title": policy.title, "awards": rows},
        json_dumps_params={"ensure_ascii": False},
    )


# -- the enterprise: policies for me and its grants ------------------------------------------------


@requires(FOR_ME)
@cached_page
def mine(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return render(request, "policies/no_record.html", {"uscc": request.user.enterprise_uscc})
    return render(
        request,
        "policies/mine.html",
        {
            "result": selectors.policies_for_me(request.user, enterprise, clock.today()),
            "confirm_form": GrantConfirmForm(),
            "decline_form": GrantDeclineForm(),
            "offered": GrantState.OFFERED,
        },
    )


@requires(FOR_ME)
@require_POST
def grant_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_own(request.user, pk)
    form = GrantConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say which account the benefit should be paid into."))
        return redirect("policies:mine")
    perform(
        request,
        lambda: services.grant_confirm(
            grant=grant, payee_account=form.cleaned_data["payee_account"], acting_user=request.user
        ),
        lambda _grant: _("Confirmed: the department will pay the benefit."),
    )
    return redirect("policies:mine")


@requires(FOR_ME)
@require_POST
def grant_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_own(request.user, pk)
    form = GrantDeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    perform(
        request,
        lambda: services.grant_decline(grant=grant, reason=reason, acting_user=request.user),
        lambda _grant: _("Declined: the place goes to the next enterprise in line."),
    )
    return redirect("policies:mine")


# -- the department: drafting, testing, publishing ------------------------------------------------


@requires(VIEW)
def manage(request: AuthenticatedRequest) -> HttpResponse:
    policies = selectors.policies_listed(request.user)
    return render(
        request,
        "policies/manage.html",
        {
            "page_obj": Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_create": has_capability(request.user, MANAGE),
            "today": clock.today(),
        },
    )


FORM_GROUPS = {
    "statement": (
        "code",
        "title",
        "title_en",
        "document_number",
        "article",
        "source_url",
        "valid_from",
        "valid_until",
        "summary",
        "benefit",
        "simplifications",
        "staff_note",
        "full_text",
    ),
    "delivery": (
        "delivery",
        "needs_confirmation",
        "quota",
        "budget",
        "grant_amount",
        "allocation",
        "amount_expression",
        "amount_calculation",
        "offer_expiry_days",
    ),
}


def _editor(request: AuthenticatedRequest, form: PolicyForm, policy: Policy | None) -> HttpResponse:
    fields = [vars(f) for f in selectors.builder_fields()]
    # The rule as it stands (saved, or as just posted) opens as builder rows where it can.
    opened = rule_rows(str(form["rule"].value() or ""), {f["key"] for f in fields})
    return render(
        request,
        "policies/edit.html",
        {
            "form": form,
            "groups": {
                name: [form[field] for field in fields] for name, fields in FORM_GROUPS.items()
            },
            "policy": policy,
            "versions": selectors.versions_of(policy) if policy else [],
            "fields": fields,
            "builder": {"rows": [vars(r) for r in opened.rows], "rest": opened.rest},
            "draft": policy is None or policy.state == PolicyState.DRAFT,
        },
    )


@requires(MANAGE)
def create(request: AuthenticatedRequest) -> HttpResponse:
    department = request.user.department
    if department is None:  # MANAGE implies department staff, who always have one
        raise Http404
    form = PolicyForm(request.POST or None, initial={"delivery": Delivery.PUSH})
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(
                data=form.policy_data(),
                sql=form.cleaned_data["rule"],
                department=department,
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The policy was saved as a draft."))
            return redirect("policies:edit", policy.code)
    return _editor(request, form, None)


@requires(MANAGE)
def edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policy_for(request.user, code)
    current = policy.versions.first()
    initial = PolicyForm.initial_for(policy, current.sql if current else "")
    form = PolicyForm(request.POST or None, initial=initial, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            # The policy's statement and its rule are saved together or not at all; a changed
            # rule becomes a new version, the same text changes nothing.
            with transaction.atomic():
                services.policy_update(
                    policy=policy, data=form.policy_data(), acting_user=request.user
                )
                version = services.rule_version_create(
                    policy=policy,
                    sql=form.cleaned_data["rule"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
        except DomainError as error:
            form.add_error(None, error.message)
            policy.refresh_from_db()
        else:
            if current is not None and version.pk != current.pk:
                messages.success(
                    request,
                    _("Saved; the rule is now version %(number)s.") % {"number": version.number},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("policies:edit", policy.code)
    return _editor(request, form, policy)


@requires(MANAGE)
@require_POST
def rule_test(request: AuthenticatedRequest) -> HttpResponse:
    """The "test this rule" panel (HTMX): the engine's objection, or what the rule would match."""
    form = RuleTestForm(request.POST)
    result = (
        selectors.rule_test(form.cleaned_data["rule"], clock.today()) if form.is_valid() else None
    )
    return render(request, "policies/_rule_test.html", {"form": form, "result": result})


@requires(MANAGE)
@require_POST
def publish(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policy_for(request.user, code)
    try:
        run = services.policy_publish(policy=policy, acting_user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("policies:edit", policy.code)
    messages.success(
        request,
        _("Published: %(eligible)s enterprises are eligible and %(unknown)s possibly eligible.")
        % {"eligible": run.eligible, "unknown": run.unknown},
    )
    return redirect("policies:matches", policy.code)


# -- the matched list and the auto-grant pipeline -------------------------------------------


@requires(VIEW)
def matches(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policy_for(request.user, code)
    form = MatchFilterForm(request.GET or None)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    found = selectors.matches_of(policy, outcome)
    is_auto_grant = policy.delivery == Delivery.AUTO_GRANT
    return render(
        request,
        "policies/matches.html",
        {
            "policy": policy,
            "form": form,
            "page_obj": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "counts": {
                o: selectors.matches_of(policy, o).count()
                for o in (Outcome.ELIGIBLE, Outcome.UNKNOWN)
            },
            "grants": selectors.grants_of(policy) if is_auto_grant else None,
            "is_auto_grant": is_auto_grant,
            "can_manage": can_manage(request.user, policy),
            "published": policy.state == PolicyState.PUBLISHED,
            "payable": (GrantState.CONFIRMED, GrantState.GRANTED),
        },
    )


@requires(VIEW)
def matches_xlsx(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policy_for(request.user, code)
    header = [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Outcome"),
        _("Missing data"),
        _("Rule version"),
        _("Data as of"),
        _("First matched at"),
    ]
    rows = (
        [
            match.enterprise.name,
            match.enterprise.uscc,
            str(Outcome(match.outcome).label),
            "、".join(label(k) for k in match.missing or []),
            match.version.number,
            match.data_as_of,
            match.matched_at,
        ]
        for match in selectors.matches_of(policy)
    )
    return xlsx_response(f"{policy.code}-matches.xlsx", _("Matched enterprises"), header, rows)


@requires(MANAGE)
@require_POST
def confirm_list(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policy_for(request.user, code)
    perform(
        request,
        lambda: services.auto_grant_list_confirm(policy=policy, acting_user=request.user),
        lambda created: (
            _("List confirmed: %(count)s enterprises added; they have been notified.")
            % {"count": len(created)}
        ),
    )
    return redirect("policies:matches", policy.code)


@requires(MANAGE)
@require_POST
def disburse(request: AuthenticatedRequest, code: str, pk: int) -> HttpResponse:
    grant = selectors.grant_managed(request.user, code, pk)
    perform(
        request,
        lambda: services.grant_disburse(grant=grant, acting_user=request.user),
        lambda paid: _("Recorded as paid out to %(name)s.") % {"name": paid.enterprise.name},
    )
    return redirect("policies:matches", code)


@requires(MANAGE)
@require_POST
def publish_awards(request: AuthenticatedRequest, code: str) -> HttpResponse:
    policy = selectors.policy_for(request.user, code)
    published = perform(
        request,
        lambda: services.awards_publish(policy=policy, acting_user=request.user),
        lambda _policy: _("The award list is public."),
    )
    return redirect("policies:awards" if published else "policies:matches", policy.code)
