"""Optimistic locking: a row changes only if nobody changed it since the caller read it.

Models that use it have a `lock_version` integer; a caller passes the version it saw (a form's
hidden field, an API body) and the second of two concurrent writers gets a ConflictError."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from jinqi.core.errors import ConflictError


def update_unless_changed(
    model: type[models.Model], pk: Any, lock_version: int, conflict: str, **changes: Any
) -> None:
    """Write `changes` to row `pk` and bump its version, or raise ConflictError(`conflict`)."""
    updated = model._default_manager.filter(pk=pk, lock_version=lock_version).update(
        lock_version=F("lock_version") + 1, **changes
    )
    if not updated:
        raise ConflictError(conflict)
