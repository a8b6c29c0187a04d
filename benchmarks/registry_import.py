"""Benchmark of `jinqi registry import` against PostgreSQL's own COPY (issue 3, "Performance").

For each row count it generates the synthetic population once (`jinqi registry synth`, fixed
seed) and then, per database:

- PostgreSQL: starts a throwaway server the way `.ci/run` does (initdb, pg_ctl on a free port)
  but with the server's default durability settings (fsync, full_page_writes and
  synchronous_commit stay on; only the port, listen address and socket directory are set).
  In one database it times PostgreSQL's COPY of the same rows, exported to CSV beforehand, into
  one wide table with a column per Parquet column (the export is not timed); in another it runs
  `jinqi migrate` and times the whole `jinqi registry import` as a subprocess (wall clock).
- SQLite: migrates a fresh file database and times the same import command.

It prints a table, writes the results and the machine as JSON into --output-dir, and with
--profile runs one more PostgreSQL import (the first count, a fresh database, not timed) under
cProfile and prints where the time goes.

    uv run python benchmarks/registry_import.py --count 20000,100000
    uv run python benchmarks/registry_import.py --count 200000 --databases postgresql
    uv run python benchmarks/registry_import.py --count 20000 --databases postgresql --profile

Run it as root (it starts PostgreSQL as the `postgres` user through runuser, as CI does) or as
a user who may run the server binaries directly. It is a script, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
SEED = 20260630
SOURCE = "market-regulation"
AS_OF = "2026-06-30"
EXTRAPOLATE_TO = 3_300_000
# The tables the import fills (Django's default names for the registry's models).
TABLES = ("registry_enterprise", "registry_delivery", "registry_profile", "registry_importbatch")
PG_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "fsync",
    "synchronous_commit",
    "full_page_writes",
    "wal_level",
    "max_wal_size",
    "checkpoint_timeout",
)


# -------------------------------------------------------------------------------------------
# Subprocesses


@dataclass
class Timed:
    wall_s: float
    cpu_s: float  # user + system CPU of the child (and its children)


def run(
    command: Sequence[str | Path],
    *,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    quiet: bool = False,
) -> Timed:
    """Run a command to completion and time it; its output goes to `log` (shown on failure)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [str(c) for c in command],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = result.stdout.decode("utf-8", "replace")
    if log is not None:
        log.write_text(output, encoding="utf-8")
    if result.returncode != 0:
        sys.stderr.write(output[-5000:])
        raise SystemExit(f"failed with exit {result.returncode}: {' '.join(map(str, command))}")
    if not quiet and output.strip():
        for line in output.strip().splitlines()[-3:]:
            print(f"    | {line}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu)


def jinqi_env(database_url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINQI_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url,
        JINQI_HOME=str(home),
        DJANGO_SETTINGS_MODULE="jinqi.settings.base",
        PYTHONDONTWRITEBYTECODE="1",
    )
    home.mkdir(parents=True, exist_ok=True)
    return env


def import_command(parquet: Path) -> list[str | Path]:
    return [
        "-m",
        "jinqi",
        "registry",
        "import",
        parquet,
        "--source",
        SOURCE,
        "--as-of",
        AS_OF,
        "--no-progress",
    ]


# -------------------------------------------------------------------------------------------
# The machine


def _command_output(command: Sequence[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(pg_bin: Path | None) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = [
        line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line
    ]
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    django_version = _command_output(
        [sys.executable, "-c", "import django; print(django.__version__)"]
    )
    git = ["git", "-C", str(REPO)]
    dirty = _command_output([*git, "status", "--porcelain", "src"])
    # Which registry code was measured, whatever git says about it (others edit src/ too).
    digest = hashlib.sha256()
    for path in sorted((REPO / "src" / "jinqi" / "registry").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    info: dict[str, Any] = {
        "nproc": int(_command_output(["nproc"]) or os.cpu_count() or 0),
        "cpu_model": models[0] if models else platform.processor(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": django_version,
        "pyarrow": pa.__version__,
        "psycopg": psycopg.__version__,
        "postgresql": _command_output([str(pg_bin / "postgres"), "--version"]) if pg_bin else None,
        "git_commit": _command_output([*git, "rev-parse", "--short", "HEAD"]),
        "src_changed_files": len(dirty.splitlines()) if dirty else 0,  # modified or untracked
        "registry_source_sha256": digest.hexdigest()[:16],
    }
    return info


# -------------------------------------------------------------------------------------------
# A throwaway PostgreSQL server, as .ci/run starts it, with default durability


def postgres_bin_dir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise SystemExit("no PostgreSQL server binaries in /usr/lib/postgresql")
    return found[-1].parent


def free_port() -> int:
    for port in range(55432, 55533):
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) != 0:  # refused: nobody listens there
                return port
    raise SystemExit("no free port in 55432-55532")


class PostgresServer:
    def __init__(self, root: Path) -> None:
        self.bin = postgres_bin_dir()
        self.port = free_port()
        self.dir = root / "postgresql"
        self.dir.mkdir()
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.running = False

    def start(self) -> None:
        data = self.dir / "data"
        run(
            [
                *self.as_postgres,
                self.bin / "initdb",
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            quiet=True,
        )
        # Unlike .ci/run, no fsync=off, full_page_writes=off or synchronous_commit=off: a
        # benchmark must pay for durability like a real server does.
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        run(
            [
                *self.as_postgres,
                self.bin / "pg_ctl",
                "-D",
                data,
                "-l",
                self.dir / "log",
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            quiet=True,
        )
        self.running = True
        run(
            [
                self.bin / "pg_isready",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-t",
                "30",
            ],
            quiet=True,
        )

    def stop(self) -> None:
        if self.running:
            run(
                [
                    *self.as_postgres,
                    self.bin / "pg_ctl",
                    "-D",
                    self.dir / "data",
                    "stop",
                    "-m",
                    "fast",
                    "-w",
                ],
                quiet=True,
            )
            self.running = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", autocommit: bool = False) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=autocommit)

    def create_database(self, name: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def backends_cpu_s(self) -> float:
        """User and system CPU of the server's processes that have ended so far (each
        connection's backend ends with it; parallel workers and autovacuum workers too): the
        postmaster's reaped children, from /proc. The difference over a step is the server's
        share of it once its connections are closed."""
        pid = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")

        def reaped() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[13]) + int(fields[14])) / ticks  # cutime, cstime

        # A backend whose client just closed ends a moment later: wait until nothing changes.
        last, deadline = reaped(), time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = reaped()
            if now == last:
                break
            last = now
        return last

    def checkpoint(self) -> None:
        """Start each timed step with no dirty buffers left by the one before."""
        with self.connect(autocommit=True) as conn:
            conn.execute("CHECKPOINT")

    def info(self) -> dict[str, Any]:
        with self.connect() as conn:
            version = conn.execute("SELECT version()").fetchone()
            settings = {
                name: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
                for name in PG_SETTINGS
            }
        return {
            "version": version[0] if version else None,
            "settings": {k: v[0] if v else None for k, v in settings.items()},
            "set_on_command_line": f"-p {self.port} -k <dir> -c listen_addresses=127.0.0.1",
        }


# -------------------------------------------------------------------------------------------
# COPY into one wide table

ARROW_TO_PG = {
    pa.string(): "text",
    pa.large_string(): "text",
    pa.date32(): "date",
    pa.float64(): "double precision",
    pa.int64(): "bigint",
    pa.int32(): "integer",
    pa.bool_(): "boolean",
}


def export_csv(parquet: Path, target: Path) -> int:
    """The Parquet rows as CSV with a header; nulls are empty unquoted fields (NULL for COPY)."""
    source = pq.ParquetFile(parquet)
    rows = 0
    with pacsv.CSVWriter(target, source.schema_arrow) as writer:
        for batch in source.iter_batches(batch_size=65_536):
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def wide_table_ddl(schema: pa.Schema, table: str, primary_key: bool) -> sql.Composed:
    columns = []
    for column in schema:
        pg_type = ARROW_TO_PG.get(column.type)
        if pg_type is None:
            raise SystemExit(f"no PostgreSQL type for Parquet column {column.name}: {column.type}")
        suffix = " PRIMARY KEY" if primary_key and column.name == "uscc" else ""
        columns.append(sql.SQL("{} " + pg_type + suffix).format(sql.Identifier(column.name)))
    body = sql.SQL(", ").join(columns)
    return sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), body)


def timed_copy(
    server: PostgresServer, database: str, table: str, csv_path: Path, header: bool = True
) -> float:
    """Seconds for COPY … FROM STDIN of the CSV file, streamed by the client, and its commit."""
    server.checkpoint()
    options = sql.SQL("FORMAT csv, HEADER" if header else "FORMAT csv")
    statement = sql.SQL("COPY {} FROM STDIN WITH ({})").format(sql.Identifier(table), options)
    with server.connect(database) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy(statement) as copy, csv_path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        conn.commit()
        return time.perf_counter() - started


def copy_floor(server: PostgresServer, database: str, work: Path) -> dict[str, float]:
    """Seconds to COPY what the import wrote (enterprises, deliveries, profiles) into copies of the
    import's own tables (same columns, defaults and indexes; no foreign keys): a floor for any
    importer that keeps this schema."""
    seconds: dict[str, float] = {}
    for table in ("registry_enterprise", "registry_delivery", "registry_profile"):
        path = work / f"floor-{table}.csv"
        floor = f"{table}_floor"
        with server.connect(database) as conn, conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                    sql.Identifier(floor), sql.Identifier(table)
                )
            )
            out = sql.SQL("COPY {} TO STDOUT WITH (FORMAT csv)").format(sql.Identifier(table))
            with path.open("wb") as handle, cursor.copy(out) as copy:
                for data in copy:
                    handle.write(data)
            conn.commit()
        seconds[table] = timed_copy(server, database, floor, path, header=False)
        path.unlink()
    return seconds


# -------------------------------------------------------------------------------------------
# One measurement


@dataclass
class Result:
    database: str
    rows: int
    import_s: float
    import_cpu_s: float  # CPU of the import process and its checking child
    migrate_s: float
    rows_per_s: float
    copy_s: float | None = None
    copy_pk_s: float | None = None  # the same COPY into a table with uscc as primary key
    ratio: float | None = None  # import_s / copy_s
    # The server's CPU during the import and during COPY (PostgreSQL, from /proc).
    server_cpu_s: float | None = None
    copy_server_cpu_s: float | None = None
    floor_s: float | None = None  # COPY of the import's own rows into its own schema
    counts: dict[str, int | None] = field(default_factory=dict)
    database_bytes: int | None = None
    notes: dict[str, Any] = field(default_factory=dict)


def pg_counts(server: PostgresServer, database: str) -> tuple[dict[str, int | None], int]:
    counts: dict[str, int | None] = {}
    with server.connect(database) as conn:
        for table in TABLES:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = row.fetchone()[0]  # type: ignore[index]
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return counts, int(size[0]) if size else 0


def sqlite_counts(path: Path) -> tuple[dict[str, int | None], str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    return counts, mode


def measure_postgresql(
    server: PostgresServer,
    parquet: Path,
    csv_path: Path,
    rows: int,
    work: Path,
    keep: bool,
    floor: bool,
) -> Result:
    schema = pq.read_schema(parquet)
    copy_db, import_db = f"copy_{rows}", f"import_{rows}"
    server.create_database(copy_db)
    with server.connect(copy_db) as conn:
        conn.execute(wide_table_ddl(schema, "wide", primary_key=False))
        conn.execute(wide_table_ddl(schema, "wide_pk", primary_key=True))
    before = server.backends_cpu_s()
    copy_s = timed_copy(server, copy_db, "wide", csv_path)
    copy_server_cpu_s = server.backends_cpu_s() - before
    copy_pk_s = timed_copy(server, copy_db, "wide_pk", csv_path)
    with server.connect(copy_db) as conn:
        copied = conn.execute("SELECT count(*) FROM wide").fetchone()
    if not copied or copied[0] != rows:
        raise SystemExit(f"COPY loaded {copied} rows, expected {rows}")
    print(f"  postgresql COPY: {copy_s:.2f} s ({copy_pk_s:.2f} s with a primary key)")

    server.create_database(import_db)
    env = jinqi_env(server.url(import_db), work / f"home-postgresql-{rows}")
    migrate = run(
        [sys.executable, "-m", "jinqi", "migrate", "--no-input"],
        env=env,
        log=work / f"migrate-postgresql-{rows}.log",
        quiet=True,
    )
    server.checkpoint()
    print(f"  postgresql import of {rows:,} rows …", flush=True)
    before = server.backends_cpu_s()
    timed = run(
        [sys.executable, *import_command(parquet)],
        env=env,
        log=work / f"import-postgresql-{rows}.log",
    )
    server_cpu_s = server.backends_cpu_s() - before
    counts, size = pg_counts(server, import_db)
    floors = copy_floor(server, import_db, work) if floor else {}
    if floors:
        print(f"  postgresql floor (COPY into the import's tables): {sum(floors.values()):.2f} s")
    if not keep:
        server.drop_database(copy_db)
        server.drop_database(import_db)
    return Result(
        database="postgresql",
        rows=rows,
        import_s=timed.wall_s,
        import_cpu_s=timed.cpu_s,
        migrate_s=migrate.wall_s,
        rows_per_s=rows / timed.wall_s,
        copy_s=copy_s,
        copy_pk_s=copy_pk_s,
        ratio=timed.wall_s / copy_s,
        server_cpu_s=server_cpu_s,
        copy_server_cpu_s=copy_server_cpu_s,
        floor_s=sum(floors.values()) if floors else None,
        counts=counts,
        database_bytes=size,
        notes={"floor_s_by_table": floors} if floors else {},
    )


def measure_sqlite(parquet: Path, rows: int, work: Path) -> Result:
    path = work / f"sqlite-{rows}.sqlite3"
    env = jinqi_env(f"sqlite:///{path}", work / f"home-sqlite-{rows}")
    migrate = run(
        [sys.executable, "-m", "jinqi", "migrate", "--no-input"],
        env=env,
        log=work / f"migrate-sqlite-{rows}.log",
        quiet=True,
    )
    print(f"  sqlite import of {rows:,} rows …", flush=True)
    timed = run(
        [sys.executable, *import_command(parquet)], env=env, log=work / f"import-sqlite-{rows}.log"
    )
    counts, journal_mode = sqlite_counts(path)
    size = path.stat().st_size
    return Result(
        database="sqlite",
        rows=rows,
        import_s=timed.wall_s,
        import_cpu_s=timed.cpu_s,
        migrate_s=migrate.wall_s,
        rows_per_s=rows / timed.wall_s,
        counts=counts,
        database_bytes=size,
        notes={"journal_mode": journal_mode, "synchronous": "NORMAL (settings)"},
    )


# -------------------------------------------------------------------------------------------
# Profile


def profile_postgresql(server: PostgresServer, parquet: Path, rows: int, work: Path) -> str:
    """One more import into a fresh database under cProfile (not timed); the report's text."""
    database = f"profile_{rows}"
    server.create_database(database)
    env = jinqi_env(server.url(database), work / f"home-profile-{rows}")
    run([sys.executable, "-m", "jinqi", "migrate", "--no-input"], env=env, quiet=True)
    out = work / f"import-postgresql-{rows}.prof"
    print(f"  profiling a postgresql import of {rows:,} rows …", flush=True)
    timed = run(
        [sys.executable, "-m", "cProfile", "-o", out, *import_command(parquet)],
        env=env,
        log=work / f"profile-postgresql-{rows}.log",
    )
    server.drop_database(database)
    text = io.StringIO()
    text.write(
        f"cProfile of the PostgreSQL import, {rows:,} rows: {timed.wall_s:.1f} s wall "
        f"under the profiler, {timed.cpu_s:.1f} s CPU; profile in {out}\n"
    )
    text.write("\n== top 25 by cumulative time ==\n")
    pstats.Stats(str(out), stream=text).strip_dirs().sort_stats("cumulative").print_stats(25)
    text.write("== top 25 by own time ==\n")
    pstats.Stats(str(out), stream=text).strip_dirs().sort_stats("tottime").print_stats(25)
    raw: dict[Any, Any] = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    text.write("== jinqi functions by cumulative time ==\n")
    text.write(f"{'ncalls':>9} {'tottime':>8} {'cumtime':>8}  function\n")
    mine = [(key, value) for key, value in raw.items() if "/src/jinqi/" in key[0]]
    for key, (_cc, calls, tottime, cumtime, _callers) in sorted(mine, key=lambda item: -item[1][3])[
        :25
    ]:
        text.write(f"{calls:>9} {tottime:>8.2f} {cumtime:>8.2f}  {_name(key)}\n")
    text.write(
        "\n== database calls by caller (Django's cursor execute, the ORM's, insert_rows) ==\n"
    )
    for key, (_cc, calls, _tt, cumtime, callers) in raw.items():
        is_cursor = key[0].endswith("django/db/backends/utils.py") and key[2] in (
            "execute",
            "executemany",
        )
        is_orm = key[0].endswith("django/db/models/sql/compiler.py") and key[2] == "execute_sql"
        is_bulk = key[0].endswith("registry/importing/bulk.py") and key[2] == "insert_rows"
        if not (is_cursor or is_orm or is_bulk):
            continue
        text.write(f"{_name(key)}: {calls} calls, {cumtime:.2f} s\n")
        for caller, (_ccc, ncalls, _ctt, ccum) in sorted(callers.items(), key=lambda c: -c[1][3]):
            text.write(f"    {ccum:8.2f} s {ncalls:>6} calls from {_name(caller)}\n")
    return text.getvalue()


def _name(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    for marker in ("/src/", "/site-packages/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({function})"


# -------------------------------------------------------------------------------------------
# Report


def fit(results: list[Result]) -> tuple[float, float] | None:
    """Least-squares seconds = a + b·rows over the measured sizes (b alone for one size)."""
    points = [(r.rows, r.import_s) for r in results]
    if not points:
        return None
    if len({n for n, _ in points}) < 2:
        n, t = points[0]
        return 0.0, t / n
    mean_n = sum(n for n, _ in points) / len(points)
    mean_t = sum(t for _, t in points) / len(points)
    slope = sum((n - mean_n) * (t - mean_t) for n, t in points) / sum(
        (n - mean_n) ** 2 for n, _ in points
    )
    return mean_t - slope * mean_n, slope


def table(results: list[Result]) -> str:
    lines = [
        f"{'database':<11}{'rows':>10}{'COPY s':>9}{'COPY+PK s':>11}{'import s':>10}"
        f"{'ratio':>8}{'rows/s':>9}{'cpu s':>8}{'srv cpu s':>10}{'deliveries':>11}{'db MB':>9}"
        f"{'floor s':>9}",
    ]
    for r in results:
        copy = f"{r.copy_s:.2f}" if r.copy_s is not None else "-"
        copy_pk = f"{r.copy_pk_s:.2f}" if r.copy_pk_s is not None else "-"
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "-"
        deliveries = r.counts.get("registry_delivery")
        size = f"{(r.database_bytes or 0) / 1e6:.0f}"
        floor = f"{r.floor_s:.2f}" if r.floor_s is not None else "-"
        server_cpu = f"{r.server_cpu_s:.1f}" if r.server_cpu_s is not None else "-"
        lines.append(
            f"{r.database:<11}{r.rows:>10,}{copy:>9}{copy_pk:>11}{r.import_s:>10.1f}{ratio:>8}"
            f"{r.rows_per_s:>9,.0f}{r.import_cpu_s:>8.1f}{server_cpu:>10}{deliveries or 0:>11,}"
            f"{size:>9}{floor:>9}"
        )
    return "\n".join(lines)


def extrapolation(results: list[Result]) -> dict[str, Any]:
    """A linear extrapolation to 3.3 million rows: an estimate, not a measurement."""
    out: dict[str, Any] = {}
    for database in ("postgresql", "sqlite"):
        mine = [r for r in results if r.database == database]
        line = fit(mine)
        if line is None:
            continue
        a, b = line
        entry: dict[str, Any] = {
            "rows": EXTRAPOLATE_TO,
            "import_s": a + b * EXTRAPOLATE_TO,
            "fit": f"{a:.2f} s + {b * 1e6:.1f} s per million rows",
        }
        copies = [r for r in mine if r.copy_s]
        if copies:
            largest = max(copies, key=lambda r: r.rows)
            assert largest.copy_s is not None
            entry["copy_s"] = largest.copy_s / largest.rows * EXTRAPOLATE_TO
            entry["ratio"] = entry["import_s"] / entry["copy_s"]
        out[database] = entry
    return out


def parse_counts(text: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of row counts: {text}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("row counts must be positive")
    return counts


def parse_databases(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = set(names) - {"sqlite", "postgresql"}
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"databases are sqlite and postgresql, not {text}")
    return names


@contextlib.contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="jinqi-bench-"))
    path.chmod(0o755)  # the postgres user reaches its data directory inside
    try:
        yield path
    finally:
        if keep:
            print(f"kept: {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count",
        type=parse_counts,
        required=True,
        help="rows, or several comma-separated (20000,100000)",
    )
    parser.add_argument(
        "--databases",
        type=parse_databases,
        default=["sqlite", "postgresql"],
        help="sqlite,postgresql (default both)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--keep", action="store_true", help="keep the work directory, logs and databases"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile a PostgreSQL import (first count) with cProfile",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time COPY of the import's own rows into copies of its tables",
    )
    parser.add_argument("--output-dir", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args()

    started_at = dt.datetime.now(dt.UTC)
    use_pg = "postgresql" in args.databases or args.profile
    results: list[Result] = []
    report: dict[str, Any] = {
        "benchmark": "registry_import",
        "started_at": started_at.isoformat(timespec="seconds"),
        "command": " ".join(["uv run python benchmarks/registry_import.py", *sys.argv[1:]]),
        "seed": args.seed,
        "source": SOURCE,
        "as_of": AS_OF,
    }
    with workdir(args.keep) as work:
        server = PostgresServer(work) if use_pg else None
        report["machine"] = machine(server.bin if server else None)
        print("machine:", json.dumps(report["machine"], ensure_ascii=False))
        try:
            if server is not None:
                server.start()
                report["postgresql_server"] = server.info()
                print(f"postgresql: {report['postgresql_server']['version']} on port {server.port}")
            for rows in args.count:
                parquet = work / f"synth-{rows}.parquet"
                synth = run(
                    [
                        sys.executable,
                        "-m",
                        "jinqi",
                        "registry",
                        "synth",
                        "--count",
                        str(rows),
                        "--seed",
                        str(args.seed),
                        "--output",
                        parquet,
                    ],
                    env=jinqi_env("sqlite:///:memory:", work / "home-synth"),
                    quiet=True,
                )
                print(
                    f"{rows:,} rows: synth {synth.wall_s:.1f} s, "
                    f"{parquet.stat().st_size / 1e6:.1f} MB"
                )
                if "postgresql" in args.databases and server is not None:
                    csv_path = work / f"synth-{rows}.csv"
                    export_csv(parquet, csv_path)
                    result = measure_postgresql(
                        server, parquet, csv_path, rows, work, args.keep, args.floor
                    )
                    result.notes["csv_bytes"] = csv_path.stat().st_size
                    results.append(result)
                    print(
                        f"  postgresql import: {result.import_s:.1f} s, "
                        f"ratio {result.ratio or 0:.1f}x"
                    )
                    if not args.keep:
                        csv_path.unlink()
                if "sqlite" in args.databases:
                    result = measure_sqlite(parquet, rows, work)
                    results.append(result)
                    print(f"  sqlite import: {result.import_s:.1f} s")
            if args.profile and server is not None:
                rows = args.count[0]
                report["profile"] = profile_postgresql(
                    server, work / f"synth-{rows}.parquet", rows, work
                )
        finally:
            if server is not None:
                server.stop()

    for result in results:
        imported = result.counts.get("registry_enterprise")
        if imported != result.rows:
            print(f"WARNING: {result.database} {result.rows:,}: {imported} enterprises imported")
    report["results"] = [asdict(r) for r in results]
    report["extrapolation_3_3_million"] = extrapolation(results)
    report["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    print()
    print(table(results))
    for database, entry in report["extrapolation_3_3_million"].items():
        ratio = f", ratio {entry['ratio']:.1f}x" if "ratio" in entry else ""
        print(
            f"extrapolated (linear, not measured) {database} at {EXTRAPOLATE_TO:,} rows: "
            f"{entry['import_s'] / 3600:.1f} h{ratio} [{entry['fit']}]"
        )
    if "profile" in report:
        print()
        print(report["profile"])
    args.output_dir.mkdir(parents=True, exist_ok=True)
    out = args.output_dir / f"registry_import-{started_at:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
