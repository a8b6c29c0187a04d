"""Fixtures of the cross-app walks (tests/surface.py), the world they call every URL in, and of
the tests of the demo, built once per run."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_home import BuiltDemo, build_once
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase
from django.utils import translation
from surface import API_PREFIX, World, build_world

from jinqi.core import clock


@pytest.fixture(scope="module")
def _module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per test module and worker the way Django's setUpTestData builds a
    class's data: inside a transaction that each test's own transaction nests in (a savepoint),
    rolled back after the module's last test. Building it for each of the walks' thousand tests
    was most of their time (docs/adr/0007-parallel-tests.md)."""
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            # What the function-scoped autouse fixtures give a test that builds its own world.
            clock.reset()
            cache.clear()
            with translation.override(settings.LANGUAGE_CODE):
                built = build_world()
        except BaseException:
            TestCase._rollback_atomics(atomics)
            raise
    yield built
    with django_db_blocker.unblock():
        TestCase._rollback_atomics(atomics)


@pytest.fixture
def world(_module_world: World, db: Any) -> World:
    """A small plan, one user per role, a report by the department's own unit, and the objects
    each URL needs, built on first use. Each test gets its own copy of the module's world (the
    rows it writes are rolled back with its transaction)."""
    return copy.deepcopy(_module_world)


@pytest.fixture(scope="module")
def _module_served_schema(_module_world: World, django_db_blocker: Any) -> dict[str, Any]:
    """The OpenAPI document, asked for once per module (generating it takes most of a second;
    the request writes nothing)."""
    with django_db_blocker.unblock(), translation.override(settings.LANGUAGE_CODE):
        response = Client().get(f"{API_PREFIX}openapi.json")
    assert response.status_code == 200
    return dict(response.json())


@pytest.fixture
def served_schema(world: World, _module_served_schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document as the API serves it (each test's own copy)."""
    return copy.deepcopy(_module_served_schema)


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuiltDemo:
    """The demo, built once per run (tests/demo_home.py): the first process (an xdist worker, or
    the only one) to need it builds it in the run's shared temporary directory, the others wait
    for it. A build takes a minute or more, and three tests used to make one each
    (docs/adr/0007-parallel-tests.md). Use `demo_home` for a copy to change."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the run's, shared by its workers
    return build_once(root)


@pytest.fixture
def demo_home(built_demo: BuiltDemo, tmp_path: Path) -> Path:
    """A copy of the built demo's home, this test's own to change (the build is shared)."""
    assert built_demo.returncode == 0, built_demo.stderr[-4000:]
    home = tmp_path / "demo-home"
    shutil.copytree(built_demo.home, home)
    return home
