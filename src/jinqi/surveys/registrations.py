"""What the surveys app contributes to the shared registries: the live indicator,
portal panel and menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinqi.core.indicators import Indicator, register_indicator
from jinqi.surveys import permissions
from jinqi.surveys.panels import surveys_waiting_panel
from jinqi.surveys.results import satisfaction_share
from jinqi.web.navigation import CONTENT, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel


def register() -> None:
    register_indicator(
        Indicator(
            "surveys.satisfaction",
            _("Enterprises satisfied (ratings of 4 or 5, latest survey)"),
            "%",
            satisfaction_share,
        )
    )
    register_panel(
        PortalPanel(
            "surveys",
            _("Surveys waiting for your answer"),
            "surveys/portal/waiting.html",
            surveys_waiting_panel,
            order=15,
        )
    )
    register_nav(
        NavEntry(
            "surveys:manage",
            _("Surveys"),
            lambda r: permissions.has_capability(r.user, permissions.MANAGE),
            order=70,
            group=CONTENT,
        )
    )
