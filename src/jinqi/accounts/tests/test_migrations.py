"""Migration 0004 makes the former administrators system administrators without superuser."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Serialized rollback, as the browser tests use: the flush after this test must leave the seeded
# rows (content types, departments) for them to restore, not recreate them.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

BEFORE = [("accounts", "0003_api_token_scopes")]


def _migrate(targets: list[tuple[str, str]] | None) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_administrators_become_system_administrators_and_lose_the_superuser_flag() -> None:
    """An `admin` superuser comes out as `system_admin`, staff, not superuser; others stay."""
    apps = _migrate(BEFORE)
    user_model = apps.get_model("accounts", "User")
    user_model.objects.create(username="old-admin", role="admin", is_staff=True, is_superuser=True)
    user_model.objects.create(username="old-lead", role="lead_office")
    try:
        apps = _migrate(None)
        user_model = apps.get_model("accounts", "User")
        admin = user_model.objects.get(username="old-admin")
        assert (admin.role, admin.is_staff, admin.is_superuser) == ("system_admin", True, False)
        assert user_model.objects.get(username="old-lead").role == "lead_office"
    finally:
        _migrate(None)
