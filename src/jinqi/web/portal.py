"""The enterprise's own page (企业专属网页) is assembled from panels that feature apps register in
`ready()`: web knows none of them. A panel's `context` returns None to stay hidden for a user.

Order: below 20 for notices and things the enterprise must act on, 20–49 its ongoing business,
50 and above reference (its record, search). In the returned context, `attention` (true) marks
the panel as needing action and `badge` (a number) is shown next to its title."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class PortalPanel:
    key: str
    title: str | Promise
    template: str  # rendered with the context the panel's function returns
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str | Promise
    template: str
    context: dict[str, Any]


_panels: dict[str, PortalPanel] = {}


def register_panel(panel: PortalPanel) -> None:
    _panels[panel.key] = panel


def panels_for(request: HttpRequest) -> list[RenderedPanel]:
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            rendered.append(RenderedPanel(panel.key, panel.title, panel.template, context))
    return rendered
