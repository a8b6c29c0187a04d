"""`jinqi backup create` and `jinqi backup verify`, on the database the suite runs on."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jinqi.core.backup import backup_latest

# pg_dump and pg_restore are separate processes: they see committed rows only.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]


def _add_users(count: int) -> None:
    # Core imports no feature app, so no factory: any rows of any table will do.
    for _ in range(count):
        get_user_model().objects.create(username=f"backup-{get_user_model().objects.count()}")


def _create(directory: Path) -> Path:
    call_command("backup", "create", "--directory", str(directory), stdout=StringIO())
    return backup_latest(directory=directory).dump


def _verify(directory: Path, *arguments: str) -> str:
    out = StringIO()
    call_command(
        "backup", "verify", "--directory", str(directory), *arguments, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def _manifest(dump: Path) -> dict[str, object]:
    manifest: dict[str, object] = json.loads(dump.with_name(dump.name + ".json").read_text())
    return manifest


def _write_manifest(dump: Path, manifest: dict[str, object]) -> None:
    dump.with_name(dump.name + ".json").write_text(json.dumps(manifest))


def _reseal(dump: Path) -> None:
    """Rewrite the manifest's size and checksum to match the dump as it now is."""
    manifest = _manifest(dump)
    manifest.update(size=dump.stat().st_size, sha256=hashlib.sha256(dump.read_bytes()).hexdigest())
    _write_manifest(dump, manifest)


def _user_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user")
        rows: int = cursor.fetchone()[0]
    return rows


def test_create_then_verify_restores_every_table_with_its_recorded_count(tmp_path: Path) -> None:
    """A fresh backup restores with the row counts of its manifest; rows added to the live
    database since are shown, not counted as a failure."""
    _add_users(3)
    dump = _create(tmp_path)
    recorded = _manifest(dump)["tables"]
    assert isinstance(recorded, dict)
    assert recorded["accounts_user"] == _user_rows()
    _add_users(1)

    output = _verify(tmp_path)

    assert "校验通过" in output
    line = next(line for line in output.splitlines() if line.startswith("accounts_user "))
    at_backup, restored, live = line.split()[1:4]
    assert (int(at_backup), int(restored), int(live)) == (_user_rows() - 1,) * 2 + (_user_rows(),)
    assert "一致（当前库已变化）" in line


def test_a_damaged_dump_fails_verification(tmp_path: Path) -> None:
    """A dump changed after the backup fails on its checksum, before anything is restored."""
    dump = _create(tmp_path)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="与备份清单不符（大小或校验和不同）：文件已损坏"):
        _verify(tmp_path)


def test_a_dump_that_does_not_restore_fails_verification(tmp_path: Path) -> None:
    """A dump whose manifest was rewritten to match it still fails: the restore itself fails."""
    dump = _create(tmp_path)
    dump.write_bytes(b"not a database dump" * 100)
    _reseal(dump)

    with pytest.raises(CommandError, match="备份无法恢复"):
        _verify(tmp_path, str(dump))


def test_a_tampered_count_in_the_manifest_fails_verification(tmp_path: Path) -> None:
    """A manifest whose row count no longer matches the dump names the table that differs."""
    _add_users(1)
    dump = _create(tmp_path)
    manifest = _manifest(dump)
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    tables["accounts_user"] += 1
    _write_manifest(dump, manifest)

    with pytest.raises(CommandError, match="校验未通过：1 张表与备份时的记录不符：accounts_user"):
        _verify(tmp_path)


def test_a_table_missing_from_the_manifest_fails_verification(tmp_path: Path) -> None:
    """A restored table the manifest does not list is a difference, as is a listed one missing."""
    dump = _create(tmp_path)
    manifest = _manifest(dump)
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    del tables["accounts_user"]
    tables["no_such_table"] = 0
    _write_manifest(dump, manifest)

    with pytest.raises(
        CommandError, match="2 张表与备份时的记录不符：accounts_user、no_such_table"
    ):
        _verify(tmp_path)


def test_an_unreadable_manifest_fails_verification(tmp_path: Path) -> None:
    """A manifest that is not the JSON `backup create` writes is refused with a clear message."""
    dump = _create(tmp_path)
    dump.with_name(dump.name + ".json").write_text("{not json")

    with pytest.raises(CommandError, match=r"备份清单 .* 缺失或已损坏"):
        _verify(tmp_path)


def test_verify_without_any_backup_says_so(tmp_path: Path) -> None:
    """Verifying an empty backup directory fails and says there is no backup."""
    with pytest.raises(CommandError, match="中没有备份"):
        _verify(tmp_path)


@pytest.mark.django_db(databases=[])
def test_the_command_line_exits_non_zero_with_one_chinese_line(tmp_path: Path) -> None:
    """`jinqi backup verify` with nothing to verify prints the reason in Chinese, no traceback,
    and exits non-zero."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JINQI_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(JINQI_HOME=str(tmp_path), JINQI_BACKUP_DIR=str(tmp_path / "backups"))
    result = subprocess.run(
        [sys.executable, "-m", "jinqi", "backup", "verify"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"{tmp_path / 'backups'} 中没有备份。" in result.stderr
    assert "Traceback" not in result.stderr
    assert "CommandError" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.postgres
def test_postgres_backup_is_a_custom_dump_and_verify_leaves_no_scratch_database(
    tmp_path: Path,
) -> None:
    """On PostgreSQL the backup is a pg_dump custom archive, and verification drops its scratch
    database whether the restore succeeds or fails."""

    def databases() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            return {row[0] for row in cursor.fetchall()}

    before = databases()
    dump = _create(tmp_path)
    assert dump.name.endswith(".pgdump")
    assert dump.read_bytes()[:5] == b"PGDMP"
    assert "校验通过" in _verify(tmp_path)
    assert databases() == before

    dump.write_bytes(dump.read_bytes()[:2000])
    _reseal(dump)
    with pytest.raises(CommandError, match="备份无法恢复，pg_restore 报告"):
        _verify(tmp_path)
    assert databases() == before


@pytest.mark.postgres
def test_postgres_verify_without_createdb_says_what_to_grant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database role that may not create the scratch database gets told to grant CREATEDB,
    and no database is created."""
    from jinqi.core import backup

    _create(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE jinqi_backup_no_createdb LOGIN NOCREATEDB")
    settings_of = backup._pg_connection_settings

    def without_createdb(database: str | None = None) -> dict[str, str]:
        return {**settings_of(database), "user": "jinqi_backup_no_createdb"}

    monkeypatch.setattr(backup, "_pg_connection_settings", without_createdb)
    try:
        with pytest.raises(CommandError, match="请为其授予 CREATEDB 权限"):
            _verify(tmp_path)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE jinqi_backup_no_createdb")


@pytest.mark.postgres
def test_postgres_manifest_counts_the_snapshot_pg_dump_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row committed after the manifest's counts were taken, while pg_dump has not yet
    started, is in neither the manifest nor the dump: both read one snapshot."""
    from jinqi.core import backup

    count_rows = backup._count_rows

    def count_then_write(*args: object) -> dict[str, int]:
        counts = count_rows(*args)  # type: ignore[arg-type]  # passed through unchanged
        _add_users(1)  # committed at once: the test runs in autocommit
        return counts

    monkeypatch.setattr(backup, "_count_rows", count_then_write)
    dump = _create(tmp_path)
    monkeypatch.undo()
    tables = _manifest(dump)["tables"]
    assert isinstance(tables, dict)
    assert tables["accounts_user"] == _user_rows() - 1

    assert "校验通过" in _verify(tmp_path, str(dump))
