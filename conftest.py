"""Test harness shared by every app: no skips under CI, a clean clock, the Chinese interface."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from jinqi.core import clock
from jinqi.rules.engines import spark_session


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


# The two passes of .ci/run, by the database each runs on (docs/adr/0007-parallel-tests.md).
CI_PASSES = ("sqlite", "postgresql")
# pytest-django's ways for a test to reach the test database (its marker aside).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--ci-pass",
        choices=CI_PASSES,
        help="run only the tests this pass of .ci/run runs (see ci_passes in conftest.py); "
        "without it, every test runs",
    )


def uses_test_database(item: pytest.Item) -> bool:
    """Whether the test can reach the test database; pytest-django blocks any other test's
    database access, so such a test runs the same code whatever DATABASE_URL names."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(fixtures & DATABASE_FIXTURES)


def ci_passes(item: pytest.Item) -> frozenset[str]:
    """The passes of .ci/run that run the test: at least one for every test. Both run what
    reaches the test database; what only one database can tell, or what costs much and learns
    the same on either, runs once (ADR 0007 gives the reasons)."""
    if item.get_closest_marker("postgres"):
        return frozenset({"postgresql"})
    if any(item.get_closest_marker(name) for name in ("browser", "spark", "sqlite_pass")):
        return frozenset({"sqlite"})
    if any(item.get_closest_marker(name) for name in ("hostile_walk", "postgresql_pass")):
        return frozenset({"postgresql"})
    if not uses_test_database(item):
        return frozenset({"sqlite"})
    return frozenset(CI_PASSES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Choose the tests of the run (`_choose_tests`), then start the long ones first."""
    _choose_tests(config, items)
    _long_tests_first(items)


def _long_tests_first(items: list[pytest.Item]) -> None:
    """Tests marked `long` (a minute or so each) start first among their kind, so that under
    pytest-xdist no worker is left running one while the other has nothing left to do. The
    kinds keep pytest-django's order (database tests, then transactional ones, which flush the
    database); a long test that never reaches the test database goes before all of them.
    Python's sort is stable: the random order stays otherwise."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        long = item.get_closest_marker("long") is not None
        group = _django_group(item)
        if group == 2:
            return (-1 if long else 2, 0)
        return (group, 0 if long else 1)

    items.sort(key=rank)


def _django_group(item: pytest.Item) -> int:
    """pytest-django's order: 0 database tests, 1 transactional tests, 2 the others."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return 0 if issubclass(cls, TestCase) else 1
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return 1
    if fixtures & {
        "transactional_db",
        "live_server",
    }:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def _choose_tests(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need a PostgreSQL server (DATABASE_URL). Under CI the suite runs
    twice, on SQLite and on PostgreSQL (`--ci-pass`), each pass running its share of the tests
    (`ci_passes`); a test left to the other pass is deselected, not skipped. Without
    `--ci-pass`, CI=true on SQLite leaves the `postgres` tests out (a skip would count as a
    failure there); elsewhere they skip with the reason."""
    _refuse_transactional_tests_without_serialized_rollback(items)
    ci_pass = config.getoption("ci_pass")
    if ci_pass is not None:
        if (ci_pass == "postgresql") != _on_postgres():
            raise pytest.UsageError(
                f"--ci-pass {ci_pass} with DATABASE_URL={os.environ.get('DATABASE_URL', '')!r}"
            )
        _deselect(config, items, [item for item in items if ci_pass not in ci_passes(item)])
        return
    if _on_postgres():
        return
    marked = [item for item in items if item.get_closest_marker("postgres")]
    if os.environ.get("CI") == "true":
        _deselect(config, items, marked)
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in marked:
        item.add_marker(skip)


def _refuse_transactional_tests_without_serialized_rollback(items: list[pytest.Item]) -> None:
    """A transactional test ends with a flush, whose post-migrate signal re-creates the content
    types and permissions with new ids; the next test that restores the serialized migrated data
    then collides with them. Every transactional test therefore restores that data itself."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction")
        if transactional and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: mark it "
                "pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )


def _deselect(config: pytest.Config, items: list[pytest.Item], left_out: list[pytest.Item]) -> None:
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        dropped = set(left_out)
        items[:] = [item for item in items if item not in dropped]


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


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once() -> Iterator[None]:
    """Every test client builds its own middleware, and WhiteNoise's lists and stats every
    static file through the finders as it starts: 17 ms of each client's first request, a
    minute of a CI pass. The files do not change during a run, so the list is made once per
    process and configuration and each new middleware is given the same entries."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            repr(settings.STATICFILES_DIRS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            before = dict(self.files)
            original(self)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders  # type: ignore[method-assign]  # test harness only
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original  # type: ignore[method-assign]  # restored


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


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole run (the engine's own): one core, no UI, one
    shuffle partition. Tests using it are marked `spark` (they run in one CI pass)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("needs Java 17 for Spark (not found on PATH or in JAVA_HOME)")
    try:
        import pyspark  # noqa: F401  # the optional engine, installed or not
    except ImportError:
        pytest.skip("needs PySpark: uv sync --group spark")
    session = spark_session("local[1]")
    session.conf.set("spark.sql.shuffle.partitions", "1")
    # py4j logs "Closing down clientserver connection" from a finaliser at exit, after pytest
    # has closed the stream its handler writes to.
    logging.getLogger("py4j").setLevel(logging.ERROR)
    yield session
    session.stop()
