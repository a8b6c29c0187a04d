"""The staff to-do page (待办): feature apps register what waits for a user — reports to review,
applications, appeals near their deadline, correction requests, urging notices — in `ready()`;
web knows none of them. An item's `count` returns None when that kind of work is not the user's
(it is then left out), or how many wait (0 is shown as nothing to do)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str | Promise
    url_name: str
    count: Callable[[HttpRequest], int | None]
    order: int = 100
    query: str = ""  # appended to the address, e.g. "overdue=1"


@dataclass(frozen=True)
class TodoCount:
    label: str | Promise
    url: str
    count: int


_items: dict[str, TodoItem] = {}


def register_todo(item: TodoItem) -> None:
    _items[item.key] = item


def todo_for(request: HttpRequest) -> list[TodoCount]:
    counts = []
    for item in sorted(_items.values(), key=lambda i: i.order):
        count = item.count(request)
        if count is not None:
            url = reverse(item.url_name) + (f"?{item.query}" if item.query else "")
            counts.append(TodoCount(item.label, url, count))
    return counts
