"""What the provider alliance adds to the shared registries: the qualification documents'
upload kind, menu entries, a to-do badge for the office, and measure 68's live indicators."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.indicators import Indicator, register_indicator
from jinqi.core.permissions import has_capability
from jinqi.core.uploads import UploadPurpose, register_purpose
from jinqi.providers import permissions
from jinqi.providers.selectors import (
    admitted_provider_for,
    alliance_summary,
    applications_waiting,
    qualification_download_allowed,
)
from jinqi.web.navigation import DATA, PUBLIC, SERVICE, NavEntry, register_nav
from jinqi.web.todo import TodoItem, register_todo

QUALIFICATION_UPLOAD = "providers.qualification"
# Licences and certificates are scans or PDFs.
QUALIFICATION_TYPES = ("application/pdf", "image/jpeg", "image/png")
# Measure 68's indicators (demo/providers.py puts them on the measure).
INDICATOR_KEYS = (
    "providers.admitted",
    "providers.needs_answered",
    "providers.response_hours",
    "providers.rating_average",
)


def register() -> None:
    register_purpose(
        UploadPurpose(QUALIFICATION_UPLOAD, QUALIFICATION_TYPES, qualification_download_allowed)
    )
    register_nav(
        NavEntry(
            "providers:directory",
            _("Service-provider alliance"),
            lambda r: True,
            order=56,
            group=PUBLIC,
        )
    )
    register_nav(
        NavEntry(
            "providers:needs_mine",
            _("Service needs"),
            _holder_of(permissions.POST_NEED),
            order=34,
            group=SERVICE,
        )
    )
    register_nav(
        NavEntry(
            "providers:inbox",
            _("Enterprises' needs"),
            lambda r: admitted_provider_for(r.user) is not None,
            order=20,
        )
    )
    register_nav(
        NavEntry(
            "providers:office",
            _("Alliance members"),
            lambda r: permissions.is_alliance_office(r.user),
            order=39,
            badge=lambda r: applications_waiting(r.user) or 0,
        )
    )
    register_nav(
        NavEntry(
            "providers:figures",
            _("Service-provider figures"),
            lambda r: permissions.may_oversee(r.user),
            order=39,
            group=DATA,
        )
    )
    register_todo(
        TodoItem(
            "providers.applications",
            _("Provider applications waiting"),
            "providers:office",
            lambda r: applications_waiting(r.user),
            order=60,
        )
    )
    for key, label, unit, compute in (
        (
            "providers.admitted",
            _("Providers admitted to the alliance"),
            _("providers"),
            lambda: alliance_summary().admitted,
        ),
        (
            "providers.needs_answered",
            _("Enterprises' needs answered by providers"),
            _("needs"),
            lambda: alliance_summary().answered,
        ),
        (
            "providers.response_hours",
            _("Mean hours to a provider's first answer"),
            _("hours"),
            lambda: alliance_summary().response_hours,
        ),
        (
            "providers.rating_average",
            _("Mean rating of providers' services"),
            _("out of 5"),
            lambda: alliance_summary().rating_average,
        ),
    ):
        register_indicator(Indicator(key, label, unit, compute))


def _holder_of(capability: str) -> Callable[[HttpRequest], bool]:
    return lambda request: has_capability(request.user, capability)
