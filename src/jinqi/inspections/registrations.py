"""What the inspections app adds to the shared registries (called from its AppConfig.ready):
subcommands and menu entries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.commandline import register_subcommand
from jinqi.core.permissions import has_capability
from jinqi.inspections import permissions
from jinqi.inspections.cli import MERGE, SAMPLE
from jinqi.web.navigation import PUBLIC, NavEntry, register_nav


def register() -> None:
    register_subcommand("inspections", SAMPLE)
    register_subcommand("inspections", MERGE)
    for name, label, capability, order, group in (
        ("inspections:plans", _("Inspections"), permissions.MANAGE, 39, ""),
        ("inspections:plan_approvals", _("Inspections"), permissions.APPROVE_PLANS, 39, ""),
        ("inspections:public_draws", _("Random draws"), None, 70, PUBLIC),
    ):
        register_nav(NavEntry(name, label, _holder_of(capability), order=order, group=group))


def _holder_of(capability: str | None) -> Callable[[HttpRequest], bool]:
    if capability is None:
        return lambda request: True
    return lambda request: has_capability(request.user, capability)
