"""gunicorn, embedded: the production-grade server `jinqi demo` runs, with the worker beside it."""

from __future__ import annotations

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
        from jinqi.wsgi import application

        return application


def _when_ready(server: Any) -> None:
    # The master process (this one) runs the task worker and the scheduler in a thread.
    from jinqi.core.worker import start_in_thread

    start_in_thread()


def serve(*, bind: str, workers: int) -> None:
    JinqiServer(
        {
            "bind": bind,
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "when_ready": _when_ready,
            "accesslog": "-",
            "timeout": 60,
        }
    ).run()
