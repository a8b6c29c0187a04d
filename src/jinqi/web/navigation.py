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
        NavItem(
            url=url,
            label=entry.label,
            active=url == current,
            badge=entry.badge(request) if entry.badge else 0,
        )
        for entry, url in visible
    ]


def _covers(url: str, path: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))
