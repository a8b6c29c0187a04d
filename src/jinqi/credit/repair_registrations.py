"""What repair and the credit report add to the shared registries: the repair materials' upload
kind, the report's freshness check, the portal panel and menu entries (called from
`credit.registrations`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.core.uploads import EVIDENCE_TYPES, UploadPurpose, register_purpose
from jinqi.credit import reports
from jinqi.credit.permissions import OWN, REPAIR
from jinqi.credit.repairs import MATERIAL_PURPOSE, material_download_allowed, repair_queue
from jinqi.credit.views import panel_context
from jinqi.web.navigation import NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel


def register() -> None:
    register_purpose(UploadPurpose(MATERIAL_PURPOSE, EVIDENCE_TYPES, material_download_allowed))
    reports.register()
    register_panel(
        PortalPanel("credit", _("My credit"), "credit/_portal.html", panel_context, order=15)
    )
    register_nav(
        NavEntry("credit:panel", _("My credit"), lambda r: has_capability(r.user, OWN), order=29)
    )
    register_nav(
        NavEntry(
            "credit:repair_queue",
            _("Credit repair"),
            lambda r: has_capability(r.user, REPAIR),
            order=44,
            badge=lambda r: repair_queue(r.user).count(),
        )
    )
