"""The schema snapshot (demo/schema.py): a fresh demo database created from it is the database
`migrate` makes, row for row, the moments stamped while migrating aside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jinqi.demo.schema import SNAPSHOT, comparable, migration_digests, snapshot_read


def _in_fresh_database(tmp_path: Path, code: str) -> None:
    """Run `code` after django.setup() in a child process on a fresh SQLite database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINQI_", "DJANGO_"))}
    env.update(
        JINQI_HOME=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        DJANGO_SETTINGS_MODULE="jinqi.settings.base",
        JINQI_SECRET_KEY="schema-check",
    )
    subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        env=env,
        check=True,
        capture_output=True,
        timeout=1800,
    )


@pytest.mark.slow
@pytest.mark.sqlite_pass  # a fresh SQLite database in a child process; no test database
def test_schema_snapshot_is_what_migrating_writes(tmp_path: Path) -> None:
    """Migrating a fresh database gives the committed snapshot: the same migrations, the same
    schema, the same seeded rows and sequences. When this fails, record again (docs/demo.md)."""
    fresh = tmp_path / "schema.sql.gz"
    _in_fresh_database(
        tmp_path,
        "from pathlib import Path\nfrom jinqi.demo.schema import schema_snapshot_make\n"
        f"schema_snapshot_make(Path({str(fresh)!r}))",
    )
    committed_header, _ = snapshot_read(SNAPSHOT)
    fresh_header, _ = snapshot_read(fresh)
    assert committed_header["migrations"] == migration_digests() == fresh_header["migrations"]
    assert committed_header["django"] == fresh_header["django"]
    assert comparable(fresh) == comparable(SNAPSHOT)


@pytest.mark.slow
@pytest.mark.sqlite_pass
def test_a_database_made_from_the_snapshot_is_the_migrated_one(tmp_path: Path) -> None:
    """`jinqi demo`'s way (load the snapshot, then `migrate`) ends in the snapshot's database,
    its stamped moments moved to now."""
    dump = tmp_path / "dump.json"
    _in_fresh_database(
        tmp_path,
        f"""
import datetime as dt, json
from django.core.management import call_command
from django.db import connection
from jinqi.demo.schema import database_comparable, schema_snapshot_load, snapshot_read
header, _ = snapshot_read()
start, end = (dt.datetime.fromisoformat(s) for s in header["stamped"])
before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
assert schema_snapshot_load()
call_command("migrate", verbosity=0)
after = dt.datetime.now(dt.UTC).replace(tzinfo=None) + (end - start)
lines = database_comparable(connection.connection, before, after)
open({str(dump)!r}, "w", encoding="utf-8").write(json.dumps(lines))
""",
    )
    assert json.loads(dump.read_text(encoding="utf-8")) == comparable(SNAPSHOT)
