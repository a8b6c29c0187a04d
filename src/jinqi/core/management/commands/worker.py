"""`jinqi worker`: run queued background tasks and the scheduled jobs until stopped."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jinqi.core.worker import make_task_worker, start_scheduler


class Command(BaseCommand):
    help = "Run background tasks and scheduled jobs (deadline alerts, outbox delivery)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of the task queue."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A line per task only when asked for (-v 2): a demo's start queues thousands of them.
        level = logging.INFO if options["verbosity"] >= 2 else logging.WARNING
        for name in ("django_tasks", "django_tasks_db", "apscheduler"):
            logging.getLogger(name).setLevel(level)
        start_scheduler()
        worker = make_task_worker(options["interval"])
        worker.configure_signals()
        worker.run()
