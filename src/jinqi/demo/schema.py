"""The migrated empty SQLite database, kept as SQL: a fresh demo database is created from it in
a second instead of running every migration (the migration state rendering costs tens of
seconds of CPU).

`jinqi demo --record` migrates a fresh SQLite database and dumps it (schema, the rows the
migrations and their post-migrate handlers seed, the sequences) to
`demo/recordings/schema-sqlite.sql.gz`, with a header naming the Django version, a digest of
every migration file applied and the wall-clock window the migration ran in. On a fresh SQLite
database `jinqi demo` executes that SQL when it fits (the same Django, every migration it
holds unchanged on disk), moving the moments stamped during the migration (audit rows, the
catalogue's publication, `django_migrations.applied`) to the demo clock's now by the same
offset, then runs `migrate` as always: it applies the migrations added since (none when the
snapshot is current) and sends post_migrate (content types, permissions, the policy
catalogue's sync). When the snapshot does not fit, the database is migrated from scratch.

`test_schema_snapshot_is_what_migrating_writes` migrates a fresh database and compares its dump
with the committed one, line for line, the stamped moments aside; so a stale snapshot fails CI
rather than making the demo's database differ from a migrated one."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import django
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.crypto import get_random_string

from jinqi.core import clock

SNAPSHOT = Path(__file__).resolve().parent / "recordings" / "schema-sqlite.sql.gz"
HEADER = "-- jinqi schema snapshot "
STAMPED = "<stamped>"
# How SQLite stores a datetime, and how the audit trail's JSON copies one.
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,6})?")
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
# An unusable password (the system user's) is the prefix and a random draw.
_UNUSABLE = re.compile(
    "'" + re.escape(UNUSABLE_PASSWORD_PREFIX) + f"[A-Za-z0-9]{{{UNUSABLE_PASSWORD_SUFFIX_LENGTH}}}'"
)


def migration_digests() -> dict[str, str]:
    """`app.name` → SHA-256 of the migration's file, for every migration on disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digests = {}
    for (app, name), migration in loader.disk_migrations.items():
        source = Path(sys.modules[type(migration).__module__].__file__ or "")
        digests[f"{app}.{name}"] = hashlib.sha256(source.read_bytes()).hexdigest()
    return dict(sorted(digests.items()))


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return timezone.make_naive(moment, dt.UTC) if timezone.is_aware(moment) else moment


def _dump_lines(raw: sqlite3.Connection) -> list[str]:
    """The database as SQL, one line a list item (a statement may span lines)."""
    return "\n".join(raw.iterdump()).splitlines()


def schema_snapshot_make(path: Path = SNAPSHOT) -> Path:
    """Migrate this (fresh, SQLite) database and write its dump as the snapshot."""
    if connection.vendor != "sqlite":
        raise RuntimeError("the schema snapshot is made on SQLite")
    if connection.introspection.table_names():
        raise RuntimeError("the schema snapshot is made on a fresh database (--reset)")
    start = _naive_utc(dt.datetime.now(dt.UTC))
    call_command("migrate", interactive=False, verbosity=0)
    end = _naive_utc(dt.datetime.now(dt.UTC))
    connection.ensure_connection()
    lines = _dump_lines(connection.connection)
    header = {
        "django": django.get_version(),
        "migrations": migration_digests(),
        "stamped": [start.strftime(_FORMAT), end.strftime(_FORMAT)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime 0: the same dump gives the same bytes.
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        out.write((HEADER + json.dumps(header, sort_keys=True) + "\n").encode())
        out.write("\n".join(lines).encode() + b"\n")
    return path


def snapshot_read(path: Path = SNAPSHOT) -> tuple[dict[str, Any], list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as source:
        first, *lines = source.read().splitlines()
    if not first.startswith(HEADER):
        raise ValueError(f"{path} is not a schema snapshot")
    return json.loads(first[len(HEADER) :]), lines


def _window(header: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    start, end = (dt.datetime.strptime(s, _FORMAT) for s in header["stamped"])
    return start, end


def _restamp(lines: Iterable[str], header: dict[str, Any], to: dt.datetime | None) -> list[str]:
    """Each moment stamped while the snapshot's migration ran moved by the offset from its
    start to `to`, each unusable password drawn again (None: both replaced by a marker, for
    comparing two snapshots)."""
    start, end = _window(header)

    def moved(match: re.Match[str]) -> str:
        text = match.group(0)
        moment = dt.datetime.fromisoformat(text)
        if not start <= moment <= end:
            return text
        if to is None:
            return STAMPED
        return (to + (moment - start)).isoformat(text[10])

    def drawn(match: re.Match[str]) -> str:
        if to is None:
            return f"'{UNUSABLE_PASSWORD_PREFIX}<drawn>'"
        return f"'{UNUSABLE_PASSWORD_PREFIX}{get_random_string(UNUSABLE_PASSWORD_SUFFIX_LENGTH)}'"

    return [_UNUSABLE.sub(drawn, _MOMENT.sub(moved, line)) for line in lines]


def snapshot_fits(header: dict[str, Any], digests: dict[str, str]) -> bool:
    """The same Django, and every migration the snapshot holds unchanged on disk (later ones
    are applied by `migrate` afterwards)."""
    held: dict[str, str] = header["migrations"]
    return header["django"] == django.get_version() and all(
        digests.get(name) == digest for name, digest in held.items()
    )


def schema_snapshot_load(path: Path = SNAPSHOT) -> bool:
    """Create this fresh SQLite database from the snapshot when it fits; False (nothing done)
    otherwise. The caller runs `migrate` next in either case."""
    if connection.vendor != "sqlite" or not path.exists():
        return False
    if connection.introspection.table_names():
        return False
    header, lines = snapshot_read(path)
    if not snapshot_fits(header, migration_digests()):
        return False
    now = _naive_utc(clock.now())
    connection.ensure_connection()
    raw = connection.connection
    # Tables are created in name order: a row may point at a table not created yet. The rows
    # come from a consistent database; the check after says so.
    raw.executescript(
        "PRAGMA foreign_keys=OFF;\n"
        + "\n".join(_restamp(lines, header, now))
        + "\nPRAGMA foreign_keys=ON;"
    )
    if raw.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise RuntimeError(f"{path}: rows pointing at nothing")
    return True


def comparable(path: Path) -> list[str]:
    """The snapshot's SQL with the moments stamped during its migration replaced by a marker."""
    header, lines = snapshot_read(path)
    return _restamp(lines, header, None)


def database_comparable(raw: sqlite3.Connection, start: dt.datetime, end: dt.datetime) -> list[str]:
    """A live database's dump in the same form, the moments within [start, end] marked."""
    header = {"stamped": [start.strftime(_FORMAT), end.strftime(_FORMAT)]}
    return _restamp(_dump_lines(raw), header, None)
