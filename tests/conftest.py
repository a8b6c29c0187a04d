"""Fixtures of the cross-app walks (tests/surface.py): the world they call every URL in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from surface import API_PREFIX, World, build_world


@pytest.fixture
def world(db: Any) -> World:
    """A small plan, one user per role, a report by the department's own unit, and the objects
    each URL needs, built on first use."""
    return build_world()


@pytest.fixture
def served_schema(world: World) -> dict[str, Any]:
    """The OpenAPI document as the API serves it."""
    response = Client().get(f"{API_PREFIX}openapi.json")
    assert response.status_code == 200
    return dict(response.json())
