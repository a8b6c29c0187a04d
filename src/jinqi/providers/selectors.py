"""Every read of the alliance a user can trigger, taking the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jinqi.accounts.enums import DepartmentKind
from jinqi.accounts.models import Department
from jinqi.core.memo import once_per_request
from jinqi.core.models import WorkflowStep
from jinqi.core.permissions import has_capability
from jinqi.providers import permissions
from jinqi.providers.enums import NeedState, ProviderStatus
from jinqi.providers.models import (
    ProviderMembership,
    ProviderQualification,
    ServiceNeed,
    ServiceProvider,
    ServiceRating,
)
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of

TOWN_KINDS = (DepartmentKind.TOWN, DepartmentKind.STREET, DepartmentKind.PARK)


def provider_of(user: Any) -> ServiceProvider | None:
    """The provider a provider user belongs to, whatever its status."""
    if not has_capability(user, permissions.ACT_AS_PROVIDER):
        return None
    membership = (
        ProviderMembership.objects.select_related("provider").filter(user_id=user.pk).first()
    )
    return membership.provider if membership else None


def admitted_provider_for(user: Any) -> ServiceProvider | None:
    """The provider `user` acts for, or None unless it is admitted now (a suspended or removed
    provider's staff act for nobody)."""
    provider = provider_of(user)
    if provider is None or provider.status != ProviderStatus.ADMITTED:
        return None
    return provider


def acting_provider(user: Any) -> ServiceProvider:
    """For views acting as a provider: the admitted provider, or a 403 saying why not."""
    provider = provider_of(user)
    if provider is None:
        raise PermissionDenied(_("Your account does not belong to a service provider."))
    if provider.status != ProviderStatus.ADMITTED:
        raise PermissionDenied(
            _("%(provider)s is not admitted to the alliance now (%(status)s).")
            % {"provider": provider.name, "status": ProviderStatus(provider.status).label}
        )
    return provider


def providers_for_office(user: Any) -> QuerySet[ServiceProvider]:
    """Every provider, for the alliance office; nothing for anyone else."""
    if not permissions.is_alliance_office(user):
        return ServiceProvider.objects.none()
    return ServiceProvider.objects.prefetch_related("towns")


def provider_for_office(user: Any, pk: int) -> ServiceProvider:
    provider = providers_for_office(user).filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


def qualification_download_allowed(user: Any, stored: Any) -> bool:
    """The upload purpose's rule: the alliance office and the provider's own staff."""
    documents = ProviderQualification.objects.filter(file=stored)
    if permissions.is_alliance_office(user):
        return documents.exists()
    own = provider_of(user)
    return own is not None and documents.filter(provider=own).exists()


def may_answer(user: Any, need: ServiceNeed) -> bool:
    """Whether `user` may write for a provider on `need`: its admitted provider is the one the
    need names, or the need names none yet and the provider offers its category in its town."""
    provider = admitted_provider_for(user)
    if provider is None:
        return False
    if need.provider_id is not None:
        return need.provider_id == provider.pk
    if provider.category != need.category:
        return False
    return need.town_id is None or provider.towns.filter(pk=need.town_id).exists()


def own_enterprise(user: Any) -> Enterprise:
    """The registry record of an enterprise user; 404 for an enterprise the registry lacks."""
    enterprise = enterprise_of(user) if has_capability(user, permissions.POST_NEED) else None
    if enterprise is None:
        raise Http404
    return enterprise


def needs_of_enterprise(user: Any) -> QuerySet[ServiceNeed]:
    if not has_capability(user, permissions.POST_NEED) or not user.enterprise_uscc:
        return ServiceNeed.objects.none()
    return ServiceNeed.objects.filter(enterprise__uscc=user.enterprise_uscc).select_related(
        "provider", "town", "rating"
    )


def needs_for_provider(user: Any) -> QuerySet[ServiceNeed]:
    """The needs an admitted provider's staff see: those it took up or was picked for, and the
    open ones posted to its category in a town it serves (or in no town)."""
    provider = admitted_provider_for(user)
    if provider is None:
        return ServiceNeed.objects.none()
    open_to_all = Q(
        provider__isnull=True,
        state=NeedState.OPEN,
        category=provider.category,
    ) & (Q(town__isnull=True) | Q(town__in=provider.towns.all()))
    return ServiceNeed.objects.filter(Q(provider=provider) | open_to_all).select_related(
        "enterprise", "town", "rating"
    )


def need_for(user: Any, pk: int) -> ServiceNeed:
    """One need, for its enterprise or a provider it is open to; 404 for anyone else."""
    need = (
        needs_of_enterprise(user).filter(pk=pk).first()
        or needs_for_provider(user).filter(pk=pk).first()
    )
    if need is None:
        raise Http404
    return need


def directory(*, category: str = "", town: int | None = None) -> QuerySet[ServiceProvider]:
    """Admitted providers for the public directory, with their ratings."""
    providers = ServiceProvider.objects.admitted().prefetch_related("towns")
    if category:
        providers = providers.filter(category=category)
    if town:
        providers = providers.filter(towns=town)
    return providers.annotate(
        rating_average=Avg("ratings__score"), rating_count=Count("ratings", distinct=True)
    ).order_by("category", "name")


def directory_provider(pk: int) -> ServiceProvider:
    provider = directory().filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


def towns() -> QuerySet[Department]:
    """The towns, streets and parks a provider may serve and a need may name."""
    return Department.objects.filter(kind__in=TOWN_KINDS).order_by("sort_order", "code")


@dataclass(frozen=True)
class ProviderFigures:
    """What the office reads about one provider's service."""

    provider: ServiceProvider
    needs: int
    answered: int
    response_hours: float | None  # mean hours from posting to the first answer
    rating_average: float | None
    rating_count: int


def provider_figures(user: Any) -> list[ProviderFigures]:
    """Response times and ratings per provider, for the lead office and the alliance office.
    Needs and ratings are aggregated apart: joined, each would multiply the other's rows."""
    if not permissions.may_oversee(user):
        raise PermissionDenied
    needs = {
        row["provider"]: row
        for row in ServiceNeed.objects.filter(provider__isnull=False)
        .values("provider")
        .annotate(
            count=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            response=Avg(
                ExpressionWrapper(F("answered_at") - F("posted_at"), output_field=DurationField())
            ),
        )
    }
    ratings = {
        row["provider"]: row
        for row in ServiceRating.objects.values("provider").annotate(
            average=Avg("score"), count=Count("id")
        )
    }
    providers = ServiceProvider.objects.exclude(status=ProviderStatus.APPLIED)
    none: dict[str, Any] = {}
    figures = []
    for provider in providers.order_by("category", "name"):
        served = needs.get(provider.pk, none)
        rated = ratings.get(provider.pk, none)
        figures.append(
            ProviderFigures(
                provider=provider,
                needs=served.get("count", 0),
                answered=served.get("answered", 0),
                response_hours=_hours(served.get("response")),
                rating_average=rated.get("average"),
                rating_count=rated.get("count", 0),
            )
        )
    return figures


def _hours(value: Any) -> float | None:
    if value is None:
        return None
    return round(value.total_seconds() / 3600, 1)


def provider_history(provider: ServiceProvider) -> QuerySet[WorkflowStep]:
    """The provider's steps (applied, admitted, suspended…) with who took them and why."""
    return WorkflowStep.objects.filter(
        workflow=ServiceProvider._meta.label_lower, object_id=provider.pk
    ).select_related("actor")


@dataclass(frozen=True)
class AllianceSummary:
    """The alliance as a whole: what measure 68's live indicators read."""

    admitted: int
    waiting: int  # applications not decided
    needs: int
    answered: int
    response_hours: float | None
    rating_average: float | None
    rating_count: int


@once_per_request
def alliance_summary() -> AllianceSummary:
    providers = ServiceProvider.objects.aggregate(
        admitted=Count("id", filter=Q(status=ProviderStatus.ADMITTED)),
        waiting=Count("id", filter=Q(status=ProviderStatus.APPLIED)),
    )
    needs = ServiceNeed.objects.exclude(state=NeedState.WITHDRAWN).aggregate(
        count=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        response=Avg(
            ExpressionWrapper(F("answered_at") - F("posted_at"), output_field=DurationField())
        ),
    )
    ratings = ServiceRating.objects.aggregate(average=Avg("score"), count=Count("id"))
    average = ratings["average"]
    return AllianceSummary(
        admitted=providers["admitted"],
        waiting=providers["waiting"],
        needs=needs["count"],
        answered=needs["answered"],
        response_hours=_hours(needs["response"]),
        rating_average=round(float(average), 2) if average is not None else None,
        rating_count=ratings["count"],
    )


def applications_waiting(user: Any) -> int | None:
    """For the office's menu badge and to-do page: applications not decided; None for others."""
    if not permissions.is_alliance_office(user):
        return None
    return ServiceProvider.objects.filter(status=ProviderStatus.APPLIED).count()
