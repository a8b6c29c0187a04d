"""The alliance's pages: the public directory and application form, the enterprise's needs,
the provider's inbox, the office's admissions and figures. Thin: parse, call one service or
selector, render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import requires
from jinqi.providers import permissions, selectors, services
from jinqi.providers.enums import NeedState, ProviderStatus
from jinqi.providers.forms import (
    ApplicationForm,
    DecisionForm,
    DirectoryFilter,
    LockForm,
    MessageForm,
    NeedForm,
    RatingForm,
)
from jinqi.providers.workflow import NEED_WORKFLOW, PROVIDER_WORKFLOW
from jinqi.web.actions import form_refused, perform

# -- public ---------------------------------------------------------------------------------


@requires(permissions.DIRECTORY)
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilter(request.GET or None)
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    town = chosen.get("town")
    providers = selectors.directory(
        category=chosen.get("category") or "", town=town.pk if town else None
    )
    page = Paginator(providers, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/directory.html",
        {"form": form, "page_obj": page, "may_post": _may_post(request)},
    )


@requires(permissions.DIRECTORY)
def provider_page(request: HttpRequest, pk: int) -> HttpResponse:
    provider = selectors.directory_provider(pk)
    return render(
        request,
        "providers/provider.html",
        {
            "provider": provider,
            "ratings": provider.ratings.select_related("need")[:20],
            "may_post": _may_post(request),
        },
    )


def _may_post(request: HttpRequest) -> bool:
    return permissions.has_capability(request.user, permissions.POST_NEED)


@requires(permissions.DIRECTORY)
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_apply(
                data=form.application(), documents=form.documents(), acting_user=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "providers/applied.html", {"name": form.cleaned_data["name"]})
    return render(request, "providers/apply.html", {"form": form})


# -- enterprises ----------------------------------------------------------------------------


@requires(permissions.POST_NEED)
def needs_mine(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.needs_of_enterprise(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "providers/needs_mine.html", {"page_obj": page})


@requires(permissions.POST_NEED)
def need_new(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = selectors.own_enterprise(request.user)
    picked = None
    if request.GET.get("provider"):
        try:
            picked = selectors.directory_provider(int(request.GET["provider"]))
        except ValueError:
            raise Http404 from None
    form = NeedForm(request.POST or None, picked=picked is not None)
    if request.method == "POST" and form.is_valid():
        need = perform(
            request,
            lambda: services.need_post(
                enterprise=enterprise, data=form.need_in(picked), acting_user=request.user
            ),
            lambda n: _("Your need is posted; providers answer here and you are told."),
        )
        if need is not None:
            return redirect("providers:need", pk=need.pk)
    return render(request, "providers/need_new.html", {"form": form, "picked": picked})


# -- a need's page: its enterprise and the provider(s) it is open to --------------------------


@requires(permissions.FOLLOW_NEED)
def need(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = selectors.need_for(request.user, pk)
    mine = permissions.is_own_enterprise(request.user, need.enterprise.uscc)
    can_write = need.state == NeedState.ANSWERED or (
        need.state == NeedState.OPEN and not mine and selectors.may_answer(request.user, need)
    )
    return render(
        request,
        "providers/need.html",
        {
            "need": need,
            "mine": mine,
            "messages_": need.messages.select_related("author", "provider"),
            "can_write": can_write,
            "can_rate": mine and need.state == NeedState.ANSWERED,
            "can_withdraw": mine and need.state == NeedState.OPEN,
            "rating": getattr(need, "rating", None),
            "scores": range(5, 0, -1),
            "steps": NEED_WORKFLOW.available(need, request.user),
        },
    )


@requires(permissions.FOLLOW_NEED)
@require_POST
def need_message(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = selectors.need_for(request.user, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("providers:need", pk=need.pk)
    perform(
        request,
        lambda: services.need_message_send(
            need=need,
            text=form.cleaned_data["text"],
            lock_version=form.cleaned_data["lock_version"],
            acting_user=request.user,
        ),
        lambda m: _("Your message is sent."),
    )
    return redirect("providers:need", pk=need.pk)


@requires(permissions.POST_NEED)
@require_POST
def need_rate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = selectors.need_for(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("providers:need", pk=need.pk)
    perform(
        request,
        lambda: services.need_rate(
            need=need,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"] or "",
            lock_version=form.cleaned_data["lock_version"],
            acting_user=request.user,
        ),
        lambda r: _("Thank you; your rating is recorded."),
    )
    return redirect("providers:need", pk=need.pk)


@requires(permissions.POST_NEED)
@require_POST
def need_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = selectors.need_for(request.user, pk)
    form = LockForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("providers:need", pk=need.pk)
    perform(
        request,
        lambda: services.need_withdraw(
            need=need, lock_version=form.cleaned_data["lock_version"], acting_user=request.user
        ),
        lambda n: _("The need is withdrawn."),
    )
    return redirect("providers:need", pk=need.pk)


# -- providers -------------------------------------------------------------------------------


@requires(permissions.ACT_AS_PROVIDER)
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    provider = selectors.acting_provider(request.user)
    needs = selectors.needs_for_provider(request.user)
    page = Paginator(needs, 20).get_page(request.GET.get("page"))
    return render(request, "providers/inbox.html", {"provider": provider, "page_obj": page})


# -- the alliance office ----------------------------------------------------------------------


def _office_only(request: AuthenticatedRequest) -> None:
    # Other departments hold the role's capability but do not run the alliance: 404, not 403,
    # like another department's record.
    if not permissions.is_alliance_office(request.user):
        raise Http404


@requires(permissions.ADMINISTER)
def office(request: AuthenticatedRequest) -> HttpResponse:
    _office_only(request)
    status = request.GET.get("status") or ProviderStatus.APPLIED
    if status not in ProviderStatus.values:
        status = ProviderStatus.APPLIED
    providers = selectors.providers_for_office(request.user).filter(status=status)
    page = Paginator(providers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/office.html",
        {"page_obj": page, "status": status, "statuses": ProviderStatus.choices},
    )


@requires(permissions.ADMINISTER)
def office_provider(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_for_office(request.user, pk)
    return render(
        request,
        "providers/office_provider.html",
        {
            "provider": provider,
            "documents": provider.qualifications.select_related("file"),
            "members": provider.members.select_related("user"),
            "actions": PROVIDER_WORKFLOW.available(provider, request.user),
            "history": [
                (step, ProviderStatus(step.to_state).label)
                for step in selectors.provider_history(provider)
            ],
        },
    )


@requires(permissions.ADMINISTER)
@require_POST
def office_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_for_office(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("providers:office_provider", pk=provider.pk)
    data = form.cleaned_data
    perform(
        request,
        lambda: services.provider_transition(
            provider=provider,
            action=data["action"],
            lock_version=data["lock_version"],
            text=data["text"] or "",
            acting_user=request.user,
        ),
        lambda p: _("Done: %(status)s.") % {"status": ProviderStatus(p.status).label},
    )
    return redirect("providers:office_provider", pk=provider.pk)


@requires(permissions.OVERSEE)
def figures(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.may_oversee(request.user):
        raise Http404
    return render(
        request,
        "providers/figures.html",
        {
            "rows": selectors.provider_figures(request.user),
            "summary": selectors.alliance_summary(),
        },
    )
