"""Migration 0004 makes the former administrators system administrators without superuser;
0005 links users to their enterprise's registry record, reversibly."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# Serialized rollback, as the browser tests use: the flush after this test must leave the seeded
# rows (content types, departments) for them to restore, not recreate them.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
    pytest.mark.long,
    pytest.mark.postgresql_pass,
]

BEFORE = [("accounts", "0003_api_token_scopes")]
NAMES = ("registered", "unregistered", "staff", "linked-only")
UNLINKED = [
    ("accounts", "0004_three_administrators_token_expiry"),
    ("registry", "0011_correction_request_one_open_per_fact"),
]


def _migrate(targets: list[tuple[str, str]] | None) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    # The state, not its models: the migration back to the latest state at the end of a test
    # reads none of them (rendering them all costs a quarter of a second of CPU).
    return executor.loader.project_state(targets)


def test_administrators_become_system_administrators_and_lose_the_superuser_flag() -> None:
    """An `admin` superuser comes out as `system_admin`, staff, not superuser; others stay."""
    apps = _migrate(BEFORE).apps
    user_model = apps.get_model("accounts", "User")
    user_model.objects.create(username="old-admin", role="admin", is_staff=True, is_superuser=True)
    user_model.objects.create(username="old-lead", role="lead_office")
    try:
        apps = _migrate(None).apps
        user_model = apps.get_model("accounts", "User")
        admin = user_model.objects.get(username="old-admin")
        assert (admin.role, admin.is_staff, admin.is_superuser) == ("system_admin", True, False)
        assert user_model.objects.get(username="old-lead").role == "lead_office"
    finally:
        _migrate(None)


def test_users_are_linked_to_the_record_of_their_code_and_unlinked_back() -> None:
    """Forward, a user whose code the registry has is linked and one without a record keeps its
    code alone; backward, the link goes, every code stays and a link without a code becomes one."""
    apps = _migrate(UNLINKED).apps
    try:
        user_model = apps.get_model("accounts", "User")
        enterprise_model = apps.get_model("registry", "Enterprise")
        now = timezone.now()
        firm = enterprise_model.objects.create(
            uscc="91310116MA1JL0TT5P", name="上海链接测试有限公司", created_at=now, updated_at=now
        )
        user_model.objects.create(
            username="registered", role="enterprise", enterprise_uscc=firm.uscc
        )
        user_model.objects.create(
            username="unregistered", role="enterprise", enterprise_uscc="91310000MA1FL8LY5G"
        )
        user_model.objects.create(username="staff", role="lead_office")
        apps = _migrate([("accounts", "0005_user_enterprise_link")]).apps
        user_model = apps.get_model("accounts", "User")
        linked = dict(
            user_model.objects.filter(username__in=NAMES).values_list("username", "enterprise_id")
        )
        assert linked == {"registered": firm.pk, "unregistered": None, "staff": None}
        user_model.objects.create(username="linked-only", role="lead_office", enterprise_id=firm.pk)
        apps = _migrate(UNLINKED).apps
        user_model = apps.get_model("accounts", "User")
        codes = dict(
            user_model.objects.filter(username__in=NAMES).values_list("username", "enterprise_uscc")
        )
        assert codes == {
            "registered": "91310116MA1JL0TT5P",
            "unregistered": "91310000MA1FL8LY5G",
            "staff": "",
            "linked-only": "91310116MA1JL0TT5P",
        }
    finally:
        _migrate(None)
