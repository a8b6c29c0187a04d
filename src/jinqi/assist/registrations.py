"""What the assist app adds to the shared registries: menu entries, to-do counts and the live
indicators of plan measures 10 and 66."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinqi.assist import selectors
from jinqi.assist.permissions import BOOK, WORK
from jinqi.assist.selectors import Figures
from jinqi.core.indicators import Indicator, register_indicator
from jinqi.core.permissions import has_capability
from jinqi.web.navigation import SERVICE, NavEntry, register_nav
from jinqi.web.todo import TodoItem, register_todo


def register() -> None:
    register_nav(
        NavEntry(
            "assist:mine",
            _("Accompanied procedures"),
            lambda r: has_capability(r.user, BOOK),
            order=29,
            group=SERVICE,
        )
    )
    register_nav(
        NavEntry(
            "assist:queue",
            _("Accompanied procedures"),
            lambda r: has_capability(r.user, WORK),
            order=44,
            group=SERVICE,
        )
    )
    register_todo(
        TodoItem(
            "assist.to_assign",
            _("Accompanied procedures waiting for an official"),
            "assist:queue",
            lambda r: selectors.todo_to_assign(r.user),
            order=35,
            query="state=booked",
        )
    )
    register_todo(
        TodoItem(
            "assist.visits",
            _("Accompanied procedures you are to record"),
            "assist:queue",
            lambda r: selectors.todo_visits(r.user),
            order=35,
            query="mine=1",
        )
    )
    register_todo(
        TodoItem(
            "assist.items",
            _("Improvement items from accompanied procedures"),
            "assist:items",
            lambda r: selectors.todo_items(r.user),
            order=36,
        )
    )
    _indicators()


# (key, label, unit, the figure): one computation of the figures serves every indicator.
FIGURES: tuple[tuple[str, Promise, str | Promise, Callable[[Figures], float | int | None]], ...] = (
    ("assist.bookings", _("Accompanied procedures booked"), _("procedures"), lambda f: f.booked),
    ("assist.held", _("Accompanied procedures held"), _("procedures"), lambda f: f.held),
    (
        "assist.satisfaction",
        _("Satisfaction with accompanied procedures"),
        _("points of 5"),
        lambda f: f.satisfaction,
    ),
    (
        "assist.items_closed_on_time",
        _("Improvement items closed on time"),
        "%",
        lambda f: f.on_time_rate,
    ),
    (
        "assist.items_overdue",
        _("Improvement items overdue"),
        _("items"),
        lambda f: f.items_overdue,
    ),
)
INDICATOR_KEYS = tuple(key for key, *_rest in FIGURES)


def _indicators() -> None:
    for key, label, unit, value in FIGURES:
        register_indicator(
            Indicator(key, label, unit, lambda value=value: value(selectors.figures()))  # type: ignore[misc]  # binds this row's figure
        )
