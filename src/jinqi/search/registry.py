"""The sources of searchable documents. Feature apps register theirs in `AppConfig.ready()`;
the search app knows none of them (policies, guides and FAQs each bring their own)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class IndexedText:
    """What a source says about one public object: the search app stores and ranks this."""

    key: str  # the object's primary key, as text
    title: str
    body: str  # everything searchable besides the title (summary, full text, answer…)
    url: str
    department_code: str = ""
    department_name: str = ""
    delivery: str = ""  # a policy's delivery mode; empty for other kinds
    industries: tuple[str, ...] = ()  # GB/T 4754 section letters a policy's rule names
    updated_at: Any = None


@dataclass(frozen=True)
class ResultNote:
    """A line a source adds to its result for the person searching (e.g. eligibility)."""

    label: str | Promise
    css: str = ""


@dataclass(frozen=True)
class SearchSource:
    kind: str  # short and stable: stored in the index
    label: str | Promise  # the badge on results
    model: type[models.Model]
    # The object's searchable text, or None when it is not public (a draft, a withdrawn policy).
    document: Callable[[Any], IndexedText | None]
    # Every object to index, for `jinqi search reindex`.
    objects: Callable[[], Iterable[Any]]
    # Notes for results of this kind shown to `user`: key → note. None: no notes.
    notes: Callable[[Any, list[str]], dict[str, ResultNote]] | None = None
    # Whether a new or changed document of this kind alerts matching saved searches.
    alerts_saved_searches: bool = False
    # Other models whose saves change this source's text: (model, object → the source's object).
    depends_on: tuple[tuple[type[models.Model], Callable[[Any], Any]], ...] = ()
    # Choices this source offers for the shared filters: "delivery" or "industry" → callable
    # returning (value, label) pairs.
    filter_choices: tuple[tuple[str, Callable[[], list[tuple[str, str]]]], ...] = ()
    order: int = 100


_sources: dict[str, SearchSource] = {}


def register_source(source: SearchSource) -> None:
    """Register a source and keep the index in step with its model's saves and deletes."""
    # Here, not at the top: signals imports indexing, which imports this module.
    from jinqi.search import signals

    _sources[source.kind] = source
    signals.connect(source)


def sources() -> list[SearchSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.kind))
