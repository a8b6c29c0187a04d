"""The site menu. Feature apps register their entries in `ready()`; web knows none of them.

An entry may name a group (PUBLIC, CONTENT, DATA below). When a user's menu would be longer than
FLAT_LIMIT, each group folds into one dropdown at the place of its first entry, so the menu stays
on one line at 1366 px; shorter menus (a visitor's, an enterprise's) stay flat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.web.permissions import LEAD_OFFICE_ROLE, PORTAL, TODO

# Groups: the key an entry names, the dropdown's label and its place in the menu (an order).
PUBLIC = "public"
CONTENT = "content"
DATA = "data"
SERVICE = "service"  # the staff's work for enterprises: appeals, accompanied procedures
GROUP_LABELS: dict[str, str | Promise] = {
    PUBLIC: _("Public information"),
    CONTENT: _("Content management"),
    DATA: _("Enterprise data"),
    SERVICE: _("Enterprise services"),
}
GROUP_ORDER = {DATA: 30, SERVICE: 43, CONTENT: 45, PUBLIC: 80}
# Nine short Chinese labels fit in one line at 1366 px with room to spare; fourteen did not.
FLAT_LIMIT = 9


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    visible: Callable[[HttpRequest], bool]
    order: int = 100
    badge: Callable[[HttpRequest], int] | None = None
    group: str = ""  # one of GROUP_LABELS' keys, or none


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    active: bool
    badge: int
    children: tuple[NavItem, ...] = ()  # a folded group: a dropdown of these


_entries: list[NavEntry] = []


def register_nav(entry: NavEntry) -> None:
    if all(e.url_name != entry.url_name for e in _entries):
        _entries.append(entry)


def menu_for(request: HttpRequest) -> list[NavItem]:
    """The user's menu, groups folded into dropdowns when it would not fit on one line."""
    entries = _visible(request)
    if len(entries) <= FLAT_LIMIT:
        return [item for _entry, item in entries]
    grouped: dict[str, list[NavItem]] = {}
    for entry, item in entries:
        if entry.group:
            grouped.setdefault(entry.group, []).append(item)
    slots: list[tuple[int, NavItem]] = [
        (entry.order, item)
        for entry, item in entries
        if not entry.group or len(grouped[entry.group]) == 1  # a group of one stays a tab
    ]
    slots += [
        (GROUP_ORDER[group], _dropdown(group, children))
        for group, children in grouped.items()
        if len(children) > 1
    ]
    return [item for _order, item in sorted(slots, key=lambda slot: slot[0])]


def _dropdown(group: str, children: list[NavItem]) -> NavItem:
    return NavItem(
        url="",
        label=GROUP_LABELS[group],
        active=any(c.active for c in children),
        badge=sum(c.badge for c in children),
        children=tuple(children),
    )


def _visible(request: HttpRequest) -> list[tuple[NavEntry, NavItem]]:
    visible = [
        (entry, reverse(entry.url_name))
        for entry in sorted(_entries, key=lambda e: e.order)
        if entry.visible(request)
    ]
    # The one tab whose address is the longest prefix of the page's is active: /policies/mine/
    # lights "policies for me", not the catalogue at /policies/ as well.
    matching = [url for _, url in visible if _covers(url, request.path)]
    current = max(matching, key=len, default=None)
    return [
        (
            entry,
            NavItem(
                url=url,
                label=entry.label,
                active=url == current,
                badge=entry.badge(request) if entry.badge else 0,
            ),
        )
        for entry, url in visible
    ]


def _covers(url: str, path: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


# The lead office starts on its supervision console (plans' page: named, not imported).
LEAD_OFFICE_LANDING = "plans:dashboard"


def landing_for(user: Any) -> str:
    """Where a user starts after logging in (and from the brand link): the enterprise on its own
    page, the lead office on its console, department staff on their to-do page, others home."""
    if has_capability(user, PORTAL):
        return reverse("web:portal")
    if getattr(user, "role", None) == LEAD_OFFICE_ROLE:
        return reverse(LEAD_OFFICE_LANDING)
    if has_capability(user, TODO):
        return reverse("web:todo")
    return reverse("web:home")
