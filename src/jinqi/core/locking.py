"""Locking. Optimistic: a row changes only if nobody changed it since the caller read it; models
that use it have a `lock_version` integer, a caller passes the version it saw (a form's hidden
field, an API body) and the second of two concurrent writers gets a ConflictError. Pessimistic:
`lock_until_commit` serialises the transactions that check and create under one name."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection, models
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


def lock_until_commit(scope: str, key: object) -> None:
    """Take the lock named by `scope` and `key` (e.g. "appeals.file", an enterprise's id) for the
    rest of the transaction: a second transaction asking for the same name waits until the first
    commits or rolls back, so a check made after it sees what the first one wrote
    (docs/adr/0010-create-once.md).

    On PostgreSQL a transaction-level advisory lock: it touches no table, so it holds up no one
    but writers of the same name, and it ends with the transaction (a killed worker's too). On
    SQLite nothing more is needed: its transactions begin IMMEDIATE (settings/environment.py),
    so a writing transaction already holds the database's single write lock from its start."""
    if not connection.in_atomic_block:
        # Outside a transaction the lock would be released before the check it should guard.
        raise RuntimeError("lock_until_commit() must be called inside transaction.atomic()")
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )
