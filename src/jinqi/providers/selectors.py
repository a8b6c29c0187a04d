"""Every read of the alliance a user can trigger, taking the user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jinqi.core.permissions import has_capability
from jinqi.providers import permissions
from jinqi.providers.enums import ProviderStatus
from jinqi.providers.models import ProviderMembership, ProviderQualification, ServiceProvider


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
