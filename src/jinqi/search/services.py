"""Writes of the search app: an enterprise user's saved searches (the index itself is written
by `indexing`, from the sources' saves)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.search.models import SavedSearch, SavedSearchHit
from jinqi.search.query import MAX_QUERY_LENGTH, Filters, matching_keys, parse
from jinqi.search.registry import sources

MAX_SAVED_PER_USER = 20


def query_check(text: str) -> str:
    """The query trimmed, or a DomainError saying what is wrong with it."""
    text = text.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise DomainError(
            _("A search can be at most %(limit)d characters long (this one has %(length)d).")
            % {"limit": MAX_QUERY_LENGTH, "length": len(text)}
        )
    return text


@transaction.atomic
def saved_search_create(*, query: str, filters: Filters, acting_user: User) -> SavedSearch:
    """Save a search; the documents it matches now are recorded so only later ones alert."""
    query = query_check(query)
    if not parse(query).terms:
        raise DomainError(_("Type some words to search for before saving the search."))
    if SavedSearch.objects.filter(user=acting_user).count() >= MAX_SAVED_PER_USER:
        raise DomainError(
            _("You can keep at most %(limit)d saved searches; delete one first.")
            % {"limit": MAX_SAVED_PER_USER}
        )
    saved = SavedSearch.objects.create(
        user=acting_user,
        query=query,
        kind=filters.kind,
        department=filters.department,
        delivery=filters.delivery,
        industry=filters.industry,
        created_at=clock.now(),
    )
    now = clock.now()
    for source in sources():
        if source.alerts_saved_searches and filters.kind in ("", source.kind):
            SavedSearchHit.objects.bulk_create(
                SavedSearchHit(saved_search=saved, kind=source.kind, key=key, at=now)
                for key in matching_keys(query, filters, source.kind)
            )
    audit_record(actor=acting_user, action=AuditAction.CREATE, target=saved, after=snapshot(saved))
    return saved


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, acting_user: User) -> None:
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        target=saved_search,
        before=snapshot(saved_search),
    )
    saved_search.delete()
