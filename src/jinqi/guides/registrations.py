"""What the guides app contributes to the shared registries: search sources and menu
entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.guides import permissions
from jinqi.guides.search import register_search_sources
from jinqi.web.navigation import CONTENT, PUBLIC, NavEntry, register_nav


def register() -> None:
    register_search_sources()
    register_nav(
        NavEntry("guides:guide_list", _("Service guides"), lambda r: True, order=52, group=PUBLIC)
    )
    register_nav(
        NavEntry(
            "guides:manage",
            _("Guides and FAQs"),
            lambda r: permissions.has_capability(r.user, permissions.MANAGE),
            order=45,
            group=CONTENT,
        )
    )
