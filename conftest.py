"""Test harness shared by every app: no skips under CI, a clean clock, the Chinese interface."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from jinqi.core import clock


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """Under CI (CI=true) every test must run: a skip is reported as a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every test must run: {report.longrepr}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove the photographs of an earlier run's failed browser tests, once per run: in the
    controlling process under pytest-xdist, so that no worker deletes another worker's."""
    if hasattr(session.config, "workerinput"):  # an xdist worker
        return
    for stale in (Path(session.config.rootpath) / "test-artifacts" / "screenshots").glob(
        "FAILED-*.png"
    ):
        stale.unlink()


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need a PostgreSQL server (DATABASE_URL). Under CI the suite runs
    twice, on SQLite and on PostgreSQL; the first run leaves them out (a skip would count as a
    failure there) and the second runs them. Elsewhere they skip with the reason."""
    if _on_postgres():
        return
    marked = [item for item in items if item.get_closest_marker("postgres")]
    if os.environ.get("CI") == "true":
        if marked:
            config.hook.pytest_deselected(items=marked)
            items[:] = [item for item in items if item not in marked]
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_keeps_the_audit_trail_trigger() -> Iterator[None]:
    """Transactional tests end with a flush. PostgreSQL flushes with TRUNCATE, which the audit
    trail's append-only trigger lets through; SQLite flushes with DELETE, which it refuses. For
    the test harness only, the SQLite flush drops the triggers and puts them back around it."""
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    trail = import_module("jinqi.audit.migrations.0003_audit_trail_append_only")
    original = operations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = original(self, style, tables, **kwargs)
        if trail.TABLE not in tables:
            return statements
        return [*trail.SQLITE_REVERSE, *statements, *trail.SQLITE_FORWARD]

    operations.sql_flush = sql_flush  # type: ignore[method-assign]  # test harness only
    yield
    operations.sql_flush = original  # type: ignore[method-assign]  # restored


@pytest.fixture(autouse=True)
def _clean_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Cached values never leak from one test into another (API rate-limit counts are in the
    database, rolled back with each test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Chinese): a request that switched language in
    an earlier test leaves it active in the thread otherwise."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
