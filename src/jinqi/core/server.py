"""gunicorn, embedded: the production-grade server `jinqi demo` runs, with the worker beside it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication


class JinqiServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Here, not at the top: gunicorn calls this in each worker; the master never builds the app.
        from jinqi.wsgi import application

        return application


# The worker model for two cores, chosen by measurement (docs/adr/0015-page-load-and-workers.md).
DEFAULT_WORKERS = 2
DEFAULT_WORKER_CLASS = "gthread"
DEFAULT_THREADS = 4

_worker: subprocess.Popen[bytes] | None = None
_verbosity = 1


def _when_ready(server: Any) -> None:
    # The task worker and the scheduler run in a child process of their own. In a thread of
    # this (master) process, its SQLite connection would be open whenever gunicorn forks a web
    # worker, and a connection that crosses fork() corrupts the database's shared state (seen
    # as "database disk image is malformed" under load).
    global _worker
    _worker = subprocess.Popen(
        [sys.executable, "-m", "jinqi", "worker", "--verbosity", str(_verbosity)]
    )


def _on_exit(server: Any) -> None:
    if _worker is not None and _worker.poll() is None:
        _worker.terminate()
        try:
            _worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _worker.kill()


def serve(
    *,
    bind: str,
    workers: int = DEFAULT_WORKERS,
    worker_class: str = DEFAULT_WORKER_CLASS,
    threads: int = DEFAULT_THREADS,
    verbosity: int = 1,
) -> None:
    """Serve until stopped. Below verbosity 2 the console shows warnings and errors only: no
    request lines, no worker start-up lines, no task lines."""
    global _verbosity
    _verbosity = verbosity
    chatty = verbosity >= 2
    JinqiServer(
        {
            "bind": bind,
            "workers": workers,
            "worker_class": worker_class,
            "threads": threads,
            "when_ready": _when_ready,
            "on_exit": _on_exit,
            "accesslog": "-" if chatty else None,
            "loglevel": "info" if chatty else "warning",
            "timeout": 60,
        }
    ).run()
