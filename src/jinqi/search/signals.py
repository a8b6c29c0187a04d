"""Keep the index in step with the registered sources' saves and deletes.

The index is a projection of public text, not business data: it is updated in the saving
transaction, so a rolled-back save leaves no trace in it and a committed one is searchable at
once (docs/adr/0006-search.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save

from jinqi.search.indexing import document_index, document_remove

if TYPE_CHECKING:
    from jinqi.search.registry import SearchSource


def connect(source: SearchSource) -> None:
    def saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw:  # loading fixtures: `jinqi search reindex` afterwards
            return

        document_index(source, instance)

    def deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        document_remove(source.kind, str(instance.pk))

    uid = f"search:{source.kind}"
    post_save.connect(saved, sender=source.model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(deleted, sender=source.model, weak=False, dispatch_uid=f"{uid}:delete")
    for model, owner in source.depends_on:
        post_save.connect(
            _dependent(source, owner),
            sender=model,
            weak=False,
            dispatch_uid=f"{uid}:{model._meta.label}",
        )


def _dependent(source: SearchSource, owner: Callable[[Any], Any]) -> Callable[..., None]:
    def saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw:
            return

        document_index(source, owner(instance))

    return saved
