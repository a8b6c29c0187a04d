"""Backups of the database and their verification by a real restore (docs/deployment.md).

A backup is two files in the backup directory: the dump (PostgreSQL: `pg_dump -Fc`; SQLite: a
copy made with SQLite's online backup API) and its manifest, `<dump>.json`, with the dump's size
and SHA-256 and the row count of every table *in the snapshot the dump holds*. The live database
goes on changing after the dump, so verification compares the restored copy with the manifest
(a difference is a failure) and shows today's counts beside them for information only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psycopg
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from psycopg import sql
from psycopg.conninfo import make_conninfo

from jinqi.core import clock
from jinqi.core.errors import DomainError

MANIFEST_FORMAT = 1
MANIFEST_SUFFIX = ".json"
NAME_PREFIX = "jinqi-"
DUMP_SUFFIX = {"postgresql": ".pgdump", "sqlite": ".sqlite3"}

Progress = Callable[[int, int | None], None]


class BackupError(DomainError):
    """A backup could not be made, found or verified; the message says why, in the UI language."""

    code = "backup_error"


class _Cursor(Protocol):
    def execute(self, query: str, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class Backup:
    dump: Path
    manifest: Path


@dataclass(frozen=True)
class TableCheck:
    table: str
    at_backup: int | None
    restored: int | None
    live: int | None

    @property
    def matches(self) -> bool:
        return self.at_backup is not None and self.at_backup == self.restored


@dataclass
class Verification:
    backup: Backup
    tables: list[TableCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(check.matches for check in self.tables)


# Counting rows --------------------------------------------------------------------------------

_TABLES_SQL = {
    "postgresql": (
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY 1"
    ),
    "sqlite": (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY 1"
    ),
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cursor: _Cursor, vendor: str, on_progress: Progress | None) -> dict[str, int]:
    """Row counts of every table, read through `cursor` (the caller holds one snapshot)."""
    cursor.execute(_TABLES_SQL[vendor])
    tables = [row[0] for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for done, table in enumerate(tables, start=1):
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")  # a quoted catalogue name
        counts[table] = int(cursor.fetchone()[0])
        if on_progress is not None:
            on_progress(done, len(tables))
    return counts


# PostgreSQL -----------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """The newest installed PostgreSQL's tool (as .ci/run picks its server), else the PATH's.

    A dump must be read by a pg_restore at least as new as the pg_dump that wrote it."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _("%(tool)s was not found: install the PostgreSQL client tools (postgresql-client).")
            % {"tool": name}
        )
    return found


def _pg_connection_settings(database: str | None = None) -> dict[str, str]:
    """libpq parameters of the live database (or of `database` on the same server)."""
    db = connection.settings_dict
    parameters = {
        "dbname": database or str(db["NAME"]),
        "user": str(db.get("USER") or ""),
        "password": str(db.get("PASSWORD") or ""),
        "host": str(db.get("HOST") or ""),
        "port": str(db.get("PORT") or ""),
        "sslmode": str((db.get("OPTIONS") or {}).get("sslmode", "")),
    }
    return {key: value for key, value in parameters.items() if value}


def _pg_conninfo(database: str | None = None) -> str:
    return make_conninfo(**_pg_connection_settings(database))


def _pg_environment(database: str | None = None) -> dict[str, str]:
    # The password goes to pg_dump and pg_restore in the environment, never on a command line
    # that `ps` shows.
    names = {
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
        "sslmode": "PGSSLMODE",
        "dbname": "PGDATABASE",
    }
    environment = dict(os.environ)
    for key, value in _pg_connection_settings(database).items():
        environment[names[key]] = value
    return environment


def _pg_connect(database: str | None, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(_pg_conninfo(database), autocommit=autocommit)
    except psycopg.OperationalError as error:
        raise BackupError(
            _("Cannot connect to the database: %(reason)s") % {"reason": str(error).strip()}
        ) from error


@contextmanager
def _pg_snapshot(database: str | None = None) -> Iterator[Any]:
    """A cursor in one read-only REPEATABLE READ transaction: every count sees one moment."""
    with _pg_connect(database) as pg:
        pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        pg.read_only = True
        with pg.cursor() as cursor:
            yield cursor
        pg.rollback()


def _pg_run(command: list[str], database: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=_pg_environment(database), capture_output=True, text=True, check=False
    )


def _tool_failure(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else str(result.returncode)


def _pg_dump(target: Path, on_progress: Progress | None) -> dict[str, int]:
    with _pg_snapshot() as cursor:
        # pg_dump reads the snapshot this transaction exports: the counts are exactly the dump's.
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor, "postgresql", on_progress)
        result = _pg_run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ]
        )
    if result.returncode != 0:
        raise BackupError(_("pg_dump failed: %(reason)s") % {"reason": _tool_failure(result)})
    return counts


@contextmanager
def _pg_scratch_database() -> Iterator[str]:
    """An empty database on the live server, dropped afterwards whatever happens."""
    live = str(connection.settings_dict["NAME"])
    name = f"{live[:40]}_verify_{secrets.token_hex(4)}"
    with _pg_connect(None, autocommit=True) as admin:
        try:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
        except psycopg.errors.InsufficientPrivilege as error:
            raise BackupError(
                _(
                    "The database role may not create the scratch database the restore needs: "
                    "grant it CREATEDB (docs/deployment.md)."
                )
            ) from error
        try:
            yield name
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _pg_restore_and_count(dump: Path, on_progress: Progress | None) -> dict[str, int]:
    with _pg_scratch_database() as scratch:
        result = _pg_run(
            [
                _pg_tool("pg_restore"),
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--no-password",
                f"--dbname={scratch}",
                str(dump),
            ],
            scratch,
        )
        if result.returncode != 0:
            raise BackupError(
                _("The backup could not be restored; pg_restore reports: %(reason)s")
                % {"reason": _tool_failure(result)}
            )
        with _pg_snapshot(scratch) as cursor:
            return _count_rows(cursor, "postgresql", on_progress)


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_live() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_count(database: sqlite3.Connection, on_progress: Progress | None) -> dict[str, int]:
    began = not database.in_transaction
    if began:
        database.execute("BEGIN DEFERRED")  # one read snapshot for all the counts
    try:
        return _count_rows(database.cursor(), "sqlite", on_progress)
    finally:
        if began:
            database.execute("ROLLBACK")


def _sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    with sqlite3.connect(target) as copy:
        # One step (-1 pages): the whole database is read under one lock, a consistent snapshot.
        source.backup(copy, pages=-1)
    copy.close()


def _sqlite_dump(target: Path, on_progress: Progress | None) -> dict[str, int]:
    _sqlite_copy(_sqlite_live(), target)
    # The copy is the snapshot: its counts are the dump's by construction.
    copy = sqlite3.connect(target)
    try:
        return _sqlite_count(copy, on_progress)
    finally:
        copy.close()


def _sqlite_restore_and_count(dump: Path, on_progress: Progress | None) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="jinqi-verify-") as scratch:
        restored = Path(scratch) / "restored.sqlite3"
        try:
            source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
            try:
                _sqlite_copy(source, restored)
            finally:
                source.close()
            database = sqlite3.connect(restored)
            try:
                (check,) = database.execute("PRAGMA integrity_check").fetchone()
                if check != "ok":
                    raise BackupError(
                        _("The backup could not be restored: its integrity check failed.")
                    )
                return _sqlite_count(database, on_progress)
            finally:
                database.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(
                _("The backup could not be restored: it is not a valid SQLite database.")
            ) from error


# Both -----------------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DUMP_SUFFIX:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def backup_directory() -> Path:
    return Path(settings.BACKUP_DIR)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_create(*, directory: Path, on_progress: Progress | None = None) -> Backup:
    """Dump the live database into `directory` with its manifest; return the two files."""
    vendor = _vendor()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = clock.now().astimezone(dt.UTC)
    name = f"{NAME_PREFIX}{created:%Y%m%d-%H%M%S}{DUMP_SUFFIX[vendor]}"
    backup = Backup(dump=directory / name, manifest=directory / f"{name}{MANIFEST_SUFFIX}")
    if backup.dump.exists() or backup.manifest.exists():
        raise BackupError(_("%(file)s already exists.") % {"file": backup.dump})
    partial = directory / f".{name}.partial"
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        dump = _pg_dump if vendor == "postgresql" else _sqlite_dump
        counts = dump(partial, on_progress)
        manifest = {
            "format": MANIFEST_FORMAT,
            "engine": vendor,
            "created": created.isoformat(),
            "dump": name,
            "size": partial.stat().st_size,
            "sha256": _sha256(partial),
            "tables": counts,
        }
        partial.rename(backup.dump)
    finally:
        partial.unlink(missing_ok=True)
    # The manifest comes last: a backup without one (interrupted) is never taken for the latest.
    written = directory / f".{name}{MANIFEST_SUFFIX}.partial"
    written.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    written.chmod(0o600)
    written.rename(backup.manifest)
    return backup


def backup_latest(*, directory: Path) -> Backup:
    """The newest complete backup in `directory` (by the time in its name)."""
    manifests = sorted(directory.glob(f"{NAME_PREFIX}*{MANIFEST_SUFFIX}"))
    if not manifests:
        raise BackupError(_("There is no backup in %(directory)s.") % {"directory": directory})
    return backup_of(manifests[-1])


def backup_of(path: Path) -> Backup:
    """The backup a dump or a manifest file belongs to."""
    if path.name.endswith(MANIFEST_SUFFIX):
        return Backup(dump=path.with_name(path.name.removesuffix(MANIFEST_SUFFIX)), manifest=path)
    return Backup(dump=path, manifest=path.with_name(path.name + MANIFEST_SUFFIX))


def _read_manifest(backup: Backup, vendor: str) -> dict[str, Any]:
    unreadable = _("The manifest %(file)s is missing or damaged.") % {"file": backup.manifest}
    try:
        manifest = json.loads(backup.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(unreadable) from error
    tables = manifest.get("tables") if isinstance(manifest, dict) else None
    if (
        manifest.get("format") != MANIFEST_FORMAT
        or not isinstance(manifest.get("sha256"), str)
        or not isinstance(manifest.get("size"), int)
        or not isinstance(tables, dict)
        or not all(isinstance(count, int) for count in tables.values())
    ):
        raise BackupError(unreadable)
    if manifest.get("engine") != vendor:
        raise BackupError(
            _("This backup was made from %(engine)s; it can only be verified on %(engine)s.")
            % {"engine": manifest.get("engine")}
        )
    return manifest


def _live_counts(vendor: str, on_progress: Progress | None) -> dict[str, int]:
    if vendor == "postgresql":
        with _pg_snapshot() as cursor:
            return _count_rows(cursor, vendor, on_progress)
    return _sqlite_count(_sqlite_live(), on_progress)


def backup_verify(
    *,
    backup: Backup,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Progress | None = None,
) -> Verification:
    """Check the dump against its manifest, restore it into a scratch database that is dropped
    afterwards, and compare the restored row counts with the manifest's, table by table.

    Raises BackupError when the backup cannot be read or restored at all."""
    vendor = _vendor()
    stage = on_stage or (lambda message: None)
    manifest = _read_manifest(backup, vendor)
    stage(_("Checking the checksum of %(file)s…") % {"file": backup.dump.name})
    if not backup.dump.is_file():
        raise BackupError(_("The dump %(file)s is missing.") % {"file": backup.dump})
    if backup.dump.stat().st_size != manifest["size"] or _sha256(backup.dump) != manifest["sha256"]:
        raise BackupError(
            _(
                "The dump %(file)s does not match its manifest (size or checksum): it is damaged "
                "or was changed after the backup."
            )
            % {"file": backup.dump.name}
        )
    stage(_("Restoring into a scratch database…"))
    restore = _pg_restore_and_count if vendor == "postgresql" else _sqlite_restore_and_count
    restored = restore(backup.dump, on_progress)
    stage(_("Counting the rows of the live database…"))
    live = _live_counts(vendor, on_progress)
    expected: dict[str, int] = manifest["tables"]
    verification = Verification(backup=backup)
    for table in sorted(expected.keys() | restored.keys()):
        verification.tables.append(
            TableCheck(
                table=table,
                at_backup=expected.get(table),
                restored=restored.get(table),
                live=live.get(table),
            )
        )
    if not expected:
        verification.problems.append(_("The manifest lists no table."))
    return verification
