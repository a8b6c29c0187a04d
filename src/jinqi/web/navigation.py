"""The site menu. Feature apps register their entries in `ready()`; web knows none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    visible: Callable[[HttpRequest], bool]
    order: int = 100
    badge: Callable[[HttpRequest], int] | None = None


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    active: bool
    badge: int


_entries: list[NavEntry] = []


def register_nav(entry: NavEntry) -> None:
    if all(e.url_name != entry.url_name for e in _entries):
        _entries.append(entry)


def menu_for(request: HttpRequest) -> list[NavItem]:
    items = []
    for entry in sorted(_entries, key=lambda e: e.order):
        if not entry.visible(request):
            continue
        url = reverse(entry.url_name)
        items.append(
            NavItem(
                url=url,
                label=entry.label,
                active=request.path == url or (url != "/" and request.path.startswith(url)),
                badge=entry.badge(request) if entry.badge else 0,
            )
        )
    return items
