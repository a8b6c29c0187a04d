"""What the legal health check adds to the shared registries: menu entries, the portal panel of
the enterprise's page and the live indicators of measures 50–51."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.legalcheck import indicators, permissions
from jinqi.legalcheck.enums import OPEN_STATES
from jinqi.legalcheck.models import LegalCheck
from jinqi.web.navigation import SERVICE, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel


def legal_check_panel(request: HttpRequest) -> dict[str, Any] | None:
    uscc = getattr(request.user, "enterprise_uscc", "")
    if not uscc or not has_capability(request.user, permissions.REQUEST):
        return None
    # By the code the user is bound to: one query, whether or not the registry has the firm.
    checks = list(LegalCheck.objects.filter(enterprise__uscc=uscc)[:3])
    open_checks = [c for c in checks if c.state in OPEN_STATES]
    return {"checks": checks, "badge": len(open_checks) or None}


def register() -> None:
    indicators.register()
    register_panel(
        PortalPanel(
            "legalcheck",
            _("Legal health check"),
            "legalcheck/portal/panel.html",
            legal_check_panel,
            order=40,
        )
    )
    register_nav(
        NavEntry(
            "legalcheck:mine",
            _("Legal health check"),
            lambda r: has_capability(r.user, permissions.REQUEST),
            order=34,
            group=SERVICE,
        )
    )
    register_nav(
        NavEntry(
            "legalcheck:queue",
            _("Legal health checks"),
            lambda r: permissions.is_provider(r.user),
            order=38,
        )
    )
