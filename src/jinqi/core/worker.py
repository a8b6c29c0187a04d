"""The background worker: django-tasks-db's worker loop plus the periodic-job scheduler."""

from __future__ import annotations

import logging
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from jinqi.core.schedule import periodic_jobs

logger = logging.getLogger(__name__)


def start_scheduler() -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=settings.TIME_ZONE)
    for job in periodic_jobs():
        scheduler.add_job(
            _run(job.enqueue), CronTrigger(**job.cron), id=job.key, coalesce=True, max_instances=1
        )
    scheduler.start()
    for job in periodic_jobs():
        if job.run_at_start:
            _run(job.enqueue)()
    return scheduler


def _run(enqueue):  # type: ignore[no-untyped-def]  # wraps any zero-argument callable
    def run() -> None:
        close_old_connections()
        try:
            enqueue()
        finally:
            close_old_connections()

    return run


def make_task_worker(interval: float = 1.0) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"jinqi-{uuid.uuid4().hex[:8]}",
        excluded_queue_names=[],
    )
