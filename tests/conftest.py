"""Fixtures of the cross-app walks (tests/surface.py): the world they call every URL in."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
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
