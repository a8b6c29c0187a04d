"""What the inspections app adds to the shared registries (called from its AppConfig.ready):
subcommands, menu entries and the lead office's to-do."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.core.commandline import register_subcommand
from jinqi.core.permissions import has_capability
from jinqi.inspections import permissions, selectors
from jinqi.inspections.cli import MERGE, SAMPLE
from jinqi.web.navigation import PUBLIC, NavEntry, register_nav
from jinqi.web.todo import TodoItem, register_todo


def register() -> None:
    register_subcommand("inspections", SAMPLE)
    register_subcommand("inspections", MERGE)
    for name, label, capability, order, group in (
        ("inspections:plans", _("Inspections"), permissions.MANAGE, 39, ""),
        ("inspections:plan_approvals", _("Inspections"), permissions.APPROVE_PLANS, 39, ""),
        ("inspections:public_draws", _("Random draws"), None, 70, PUBLIC),
    ):
        register_nav(NavEntry(name, label, _holder_of(capability), order=order, group=group))
    register_todo(
        TodoItem(
            "inspections.plans_to_approve",
            _("Special inspection plans to approve"),
            "inspections:plan_approvals",
            _plans_to_approve,
            order=60,
        )
    )


def _plans_to_approve(request: HttpRequest) -> int | None:
    if not has_capability(request.user, permissions.APPROVE_PLANS):
        return None
    return selectors.plans_awaiting_approval().count()


def _holder_of(capability: str | None) -> Callable[[HttpRequest], bool]:
    if capability is None:
        return lambda request: True
    return lambda request: has_capability(request.user, capability)
