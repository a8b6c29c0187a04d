"""`jinqi demo`: set up a database with demo data and serve the whole platform.

Creates the embedded SQLite database under ./var/ (or uses DATABASE_URL), applies migrations,
loads each app's demo data once, then runs gunicorn on http://127.0.0.1:8000 (`--bind`) with the
background worker beside it (a child process). The demo accounts are printed last and written to
var/demo-accounts.txt. At the default verbosity the console stays quiet: e-mails and text
messages go to files under var/outbox/, and task and request lines appear only with `-v 2`.

A fresh SQLite database is created from the migrated schema's snapshot, and clock-independent
steps load their recorded rows in bulk (docs/demo.md); `--record` makes the snapshot and those
recordings again on a fresh database.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections

from jinqi.core.server import DEFAULT_THREADS, DEFAULT_WORKER_CLASS, DEFAULT_WORKERS, serve
from jinqi.demo.recording import RECORDINGS, step_record
from jinqi.demo.schema import SNAPSHOT, schema_snapshot_load, schema_snapshot_make
from jinqi.demo.steps import demo_steps
from jinqi.settings import environment

ACCOUNTS_FILE = environment.VAR_DIR / "demo-accounts.txt"


class Command(BaseCommand):
    help = "Set up the demo database and serve Jinqi on http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Set up the database and exit without serving."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all data and start over (destroys the database!).",
        )
        parser.add_argument(
            "--record",
            action="store_true",
            help="On a fresh database (--reset): migrate and write the schema snapshot (SQLite), "
            "run the steps up to the last recorded one, the recorded ones through the services, "
            "write their recordings and exit.",
        )
        parser.add_argument(
            "--recordings",
            type=Path,
            default=RECORDINGS,
            help="Where --record writes (default: the demo package's recordings).",
        )
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address to serve on.")
        parser.add_argument(
            "--workers", type=int, default=DEFAULT_WORKERS, help="Web worker processes."
        )
        parser.add_argument(
            "--worker-class",
            choices=("sync", "gthread"),
            default=DEFAULT_WORKER_CLASS,
            help="gunicorn worker class.",
        )
        parser.add_argument(
            "--threads", type=int, default=DEFAULT_THREADS, help="Threads per gthread worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        environment.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # WhiteNoise serves through the finders but warns at start-up when this is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        verbosity = int(options["verbosity"])
        if options["reset"]:
            self._reset()
        if options["record"] and connection.vendor == "sqlite":
            self.stderr.write("Applying migrations (recording the schema snapshot)…")
            path = schema_snapshot_make(options["recordings"] / SNAPSHOT.name)
            self._say(f"schema: recorded in {path.name}")
        else:
            if schema_snapshot_load():
                self.stderr.write("Created the database from the schema snapshot.")
            self.stderr.write("Applying migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            # Readers do not wait for the worker's writes in WAL mode; the mode stays set.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
        if options["record"]:
            self._record(options["recordings"])
            return
        for step in demo_steps():
            step.run(self._say)
        table = self._accounts_table()
        ACCOUNTS_FILE.write_text(table, encoding="utf-8")
        if options["no_serve"]:
            self.stdout.write(table)
        else:
            self._serve(
                options["bind"],
                options["workers"],
                options["worker_class"],
                options["threads"],
                verbosity,
                table,
            )

    def _record(self, directory: Path) -> None:
        steps = demo_steps()
        last = max((n for n, step in enumerate(steps) if step.recorded), default=-1)
        for step in steps[: last + 1]:
            if step.recorded:
                step_record(step.key, step.load, self._say, directory=directory)
            else:
                step.run(self._say)

    def _say(self, message: str) -> None:
        self.stderr.write(f"  {message}")

    def _reset(self) -> None:
        vendor = connection.vendor
        self.stderr.write("Resetting the database…")
        if vendor == "sqlite":
            name = str(settings.DATABASES["default"]["NAME"])
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                path = Path(name + suffix)
                if path.exists():
                    path.unlink()
        elif vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        else:
            call_command("flush", interactive=False, verbosity=0)

    def _accounts_table(self) -> str:
        rows = [row for step in demo_steps() for row in step.accounts()]
        rule = "-" * 72
        lines = ["", "Jinqi demo accounts", rule]
        lines += [f"{role:<18} {username:<28} {note}" for role, username, note in rows]
        lines += [rule, f"(also in {ACCOUNTS_FILE})", ""]
        return "\n".join(lines)

    def _serve(
        self, bind: str, workers: int, worker_class: str, threads: int, verbosity: int, table: str
    ) -> None:
        if verbosity < 2:
            # Each log-in writes four lock-out bookkeeping lines; warnings still show.
            logging.getLogger("axes").setLevel(logging.WARNING)
        if verbosity < 2 and "JINQI_EMAIL_BACKEND" not in os.environ:
            # The worker (a child process, reading these at start) files e-mails and texts
            # instead of printing their bodies.
            os.environ["JINQI_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
            os.environ.setdefault(
                "JINQI_SMS_BACKEND", "jinqi.notifications.channels.FileSmsBackend"
            )
        # A database connection must never cross fork(): gunicorn forks its workers from here.
        connections.close_all()
        self.stderr.write(f"Serving on http://{bind}/ (Ctrl+C to stop; another port: --bind)")
        self.stdout.write(table)
        sys.stdout.flush()
        serve(
            bind=bind,
            workers=workers,
            worker_class=worker_class,
            threads=threads,
            verbosity=verbosity,
        )
