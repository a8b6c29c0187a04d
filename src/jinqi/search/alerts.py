"""Saved searches alerted by a new or changed document (policies): each saved search hears of a
document once, and never of one that already matched it when it was saved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.notifications.services import notification_send
from jinqi.search.models import SavedSearch, SavedSearchHit
from jinqi.search.query import parse
from jinqi.search.registry import SearchSource
from jinqi.search.segmentation import normalise

if TYPE_CHECKING:
    from jinqi.search.indexing import Prepared  # indexing imports this module

NOTICE_KIND = "search.saved_search"


def _matches(saved: SavedSearch, prepared: Prepared) -> bool:
    query = parse(saved.query)
    if not query.terms or any(t not in prepared.counts for t in query.terms):
        return False
    # Normalised as the search normalises phrases and texts (query._holding_phrases).
    title, body = normalise(prepared.text.title), normalise(prepared.text.body)
    return all(normalise(p) in title or normalise(p) in body for p in query.phrases)


def saved_searches_alert(source: SearchSource, prepared: Prepared) -> int:
    """Notify the owners of saved searches that `prepared` newly matches; returns how many."""
    text = prepared.text
    candidates = SavedSearch.objects.filter(
        Q(kind="") | Q(kind=source.kind),
        Q(department="") | Q(department=text.department_code),
        Q(delivery="") | Q(delivery=text.delivery),
        Q(industry="") | Q(industry__in=list(text.industries)),
        user__is_active=True,
    ).select_related("user")
    sent = 0
    for saved in candidates:
        if not _matches(saved, prepared):
            continue
        if SavedSearchHit.objects.filter(
            saved_search=saved, kind=source.kind, key=text.key
        ).exists():
            continue
        try:
            with transaction.atomic():
                SavedSearchHit.objects.create(
                    saved_search=saved,
                    kind=source.kind,
                    key=text.key,
                    notified=True,
                    at=clock.now(),
                )
        except IntegrityError:
            continue  # a concurrent save of the same document alerted it first
        notification_send(
            recipients=[saved.user],
            kind=NOTICE_KIND,
            title=_("New for your saved search “%(query)s”: %(title)s")
            % {"query": saved.query, "title": text.title},
            body=_("%(title)s (%(department)s) matches the search you saved.")
            % {"title": text.title, "department": text.department_name},
            link=text.url,
            dedup_key=f"search:{saved.pk}:{source.kind}:{text.key}",
        )
        sent += 1
    return sent
