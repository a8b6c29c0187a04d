"""Child processes that run the project's code with Django set up.

Started with "spawn", never "fork": the web and task workers run threads (the scheduler's) and
hold database connections, which a forked child would inherit mid-use. A child talks to its
parent through a two-way pipe only and never opens a database connection, so it sees nothing of
a transaction (or a test database) the parent is in."""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import django
from django.utils.module_loading import import_string


def django_child_start(target: str, *, name: str) -> tuple[BaseProcess, Connection]:
    """Start `target` (the dotted path of a function taking the child's end of the pipe) in a
    new process; returns the process and the parent's end of the pipe."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_run, args=(target, theirs), name=name, daemon=True)
    process.start()
    theirs.close()
    return process, ours


def django_child_stop(process: BaseProcess, *, finished: bool) -> None:
    """Wait for a child that `finished` its work; end one that did not at once."""
    if not finished and process.is_alive():
        process.kill()
    process.join()


def _run(target: str, pipe: Connection) -> None:
    django.setup()
    import_string(target)(pipe)
