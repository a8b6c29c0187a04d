"""What the search app contributes to the shared registries: its capabilities, menu entry,
portal panel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.search import permissions  # noqa: F401  # registers the capabilities
from jinqi.search.panels import search_panel
from jinqi.web.navigation import PUBLIC, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel


def register() -> None:
    register_nav(
        NavEntry("search:search", _("Smart search"), lambda r: True, order=55, group=PUBLIC)
    )
    register_panel(
        PortalPanel(
            "search",
            _("Search policies and services"),
            "search/_panel.html",
            search_panel,
            order=55,  # reference, after the enterprise's own business (see web.portal)
        )
    )
