"""Reads for the search pages: the filter choices, and a user's own saved searches (another
user's is a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise

from jinqi.accounts.models import User
from jinqi.search.models import Document, SavedSearch
from jinqi.search.query import Hit
from jinqi.search.registry import ResultNote, sources


@dataclass(frozen=True)
class Choices:
    kinds: list[tuple[str, str | Promise]]
    departments: list[tuple[str, str]]
    deliveries: list[tuple[str, str]]
    industries: list[tuple[str, str]]


def filter_choices() -> Choices:
    offered: dict[str, list[tuple[str, str]]] = {"delivery": [], "industry": []}
    for source in sources():
        for name, choices in source.filter_choices:
            offered.setdefault(name, []).extend(choices())
    departments = (
        Document.objects.exclude(department_code="")
        .values_list("department_code", "department_name")
        .distinct()
        .order_by("department_name")
    )
    return Choices(
        kinds=[(s.kind, s.label) for s in sources()],
        departments=list(departments),
        deliveries=offered["delivery"],
        industries=offered["industry"],
    )


def notes_for(user: Any, hits: list[Hit]) -> None:
    """Let each hit's source add a note for `user` (a policy's eligibility), one query per kind."""
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.document.kind, []).append(hit)
    for source in sources():
        kind_hits = by_kind.get(source.kind, [])
        if not kind_hits or source.notes is None:
            continue
        notes: dict[str, ResultNote] = source.notes(user, [h.document.key for h in kind_hits])
        for hit in kind_hits:
            hit.note = notes.get(hit.document.key)


def saved_searches_of(user: Any) -> QuerySet[SavedSearch]:
    if not getattr(user, "is_authenticated", False):
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user)


def saved_search_own(user: User, pk: int) -> SavedSearch:
    saved = saved_searches_of(user).filter(pk=pk).first()
    if saved is None:
        raise Http404
    return saved
