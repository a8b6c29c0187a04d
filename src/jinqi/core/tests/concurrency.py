"""Many real threads doing the same thing at the same moment, each on its own connection, for
the create-once tests (docs/adr/0010-create-once.md). They need PostgreSQL: the SQLite test
database is in memory with a shared cache, which locks whole tables and answers "table is
locked" instead of waiting."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from jinqi.core.errors import DomainError

THREADS = 50


def at_once(
    action: Callable[[Any], Any],
    *,
    prepare: Callable[[int], Any] = lambda index: index,
    threads: int = THREADS,
) -> list[Any]:
    """Run `action(prepare(i))` in `threads` threads released together by a barrier (what each
    thread reads before acting, `prepare` reads first, as a page load would). Returns each
    thread's result, or the DomainError it raised; any other exception fails the test."""
    barrier = threading.Barrier(threads)
    outcomes: list[Any] = [None] * threads
    unexpected: list[BaseException] = []

    def run(index: int) -> None:
        try:
            prepared = prepare(index)
            barrier.wait(timeout=60)
            outcomes[index] = action(prepared)
        except DomainError as error:
            outcomes[index] = error
        except BaseException as error:  # reported to the test below, in its own thread
            unexpected.append(error)
            barrier.abort()
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a thread did not finish"
    if unexpected:
        raise unexpected[0]
    return outcomes


def refusals(outcomes: list[Any]) -> list[DomainError]:
    return [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
