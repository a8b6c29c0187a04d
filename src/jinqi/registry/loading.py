"""The lock that keeps every other writer of enterprises out while a first load into an empty
registry runs without the code's unique constraint (docs/adr/0005-registry-deliveries.md).

PostgreSQL advisory locks on one key: an import holds it for its whole run, exclusively when it
loads an empty registry with the constraint set aside, shared otherwise; `enterprise_save`
takes it shared for its transaction. A writer that cannot have it is refused at once rather
than made to wait for a load of millions of rows. Advisory locks belong to the connection, so a
process killed part-way (kill -9) releases it with its connection. SQLite has a single writer
for the whole database and keeps the constraint, so there the lock is always granted."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from jinqi.core.errors import DomainError

# Any fixed 64-bit number nothing else in the database uses: "jinqireg" in ASCII.
LOCK_KEY = int.from_bytes(b"jinqireg", "big")


def _locked(function: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [LOCK_KEY])
        row = cursor.fetchone()
    return bool(row and row[0])


def _refuse() -> DomainError:
    return DomainError(
        _(
            "A first load into the empty enterprise registry is running; enterprises can be "
            "added again when it has finished."
        )
    )


def enterprise_writes_lock() -> None:
    """For a transaction that creates or changes enterprises: the shared lock, held until it
    ends, or DomainError while a first load runs."""
    if connection.vendor != "postgresql":
        return
    if not _locked("pg_try_advisory_xact_lock_shared"):
        raise _refuse()


class ImportLock:
    """An import's hold on the lock, for the whole run (across its chunks' transactions)."""

    def __init__(self) -> None:
        self.exclusive = False
        self.shared = False

    def acquire(self) -> ImportLock:
        """Exclusive if no one else writes enterprises, else shared; DomainError if a first
        load holds it."""
        if connection.vendor != "postgresql":
            self.exclusive = True
            return self
        if _locked("pg_try_advisory_lock"):
            self.exclusive = True
        elif _locked("pg_try_advisory_lock_shared"):
            self.shared = True
        else:
            raise _refuse()
        return self

    def share(self) -> None:
        """Keep only the shared lock: the run will not set the constraint aside. The shared
        lock is taken before the exclusive one is let go, so no first load can start between."""
        if connection.vendor != "postgresql" or not self.exclusive:
            return
        _locked("pg_advisory_lock_shared")
        _locked("pg_advisory_unlock")
        self.exclusive, self.shared = False, True

    def release(self) -> None:
        if connection.vendor != "postgresql" or connection.connection is None:
            self.exclusive = self.shared = False
            return
        try:
            if self.exclusive:
                _locked("pg_advisory_unlock")
            if self.shared:
                _locked("pg_advisory_unlock_shared")
        except DatabaseError:  # the connection is gone, and its locks with it
            pass
        self.exclusive = self.shared = False
