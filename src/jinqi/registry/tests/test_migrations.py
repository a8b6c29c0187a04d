"""The move from one row per fact to deliveries (migrations 0003–0005) keeps what was current,
the history, the correction requests and each batch's as-of date."""

from __future__ import annotations

import datetime as dt
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

BEFORE = [("registry", "0003_deliveries")]


def _migrate(targets: list[tuple[str, str]] | None) -> Any:
    """Migrate to `targets`, or to the latest migrations (as the other tests expect)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    # The state, not its models: the migration back to the latest state at the end of a test
    # reads none of them (rendering them all costs a quarter of a second of CPU).
    return executor.loader.project_state(targets)


def test_facts_become_deliveries_with_the_same_current_values() -> None:
    """Facts recorded by one call become one delivery; the fact that was current stays current,
    even between two calls as of the same date; a flagged fact's request follows it."""
    apps = _migrate(BEFORE).apps
    try:
        Department = apps.get_model("accounts", "Department")
        User = apps.get_model("accounts", "User")
        Enterprise = apps.get_model("registry", "Enterprise")
        Fact = apps.get_model("registry", "Fact")
        ImportBatch = apps.get_model("registry", "ImportBatch")
        CorrectionRequest = apps.get_model("registry", "CorrectionRequest")
        source = Department.objects.get(code="tax-jinshan")
        user = User.objects.create(username="migration-test")
        now = timezone.now()
        firm = Enterprise.objects.create(
            uscc="91310116MA1J8XXX0X", name="上海迁移测试有限公司", created_at=now, updated_at=now
        )
        batch = ImportBatch.objects.create(
            source=source, file_name="f.csv", sha256="0" * 64, started_by=user, started_at=now
        )
        later = now + dt.timedelta(seconds=1)

        def fact(key: str, year: int | None, value: Any, as_of: dt.date, **extra: Any) -> Any:
            return Fact.objects.create(enterprise=firm, key=key, year=year, value=value,
                                       source=source, as_of=as_of, **extra)  # fmt: skip

        # One call as of June (two facts), then a call as of the same date, then an older one.
        flagged = fact("revenue", 2024, 100, dt.date(2025, 6, 30), is_current=False,
                       recorded_at=now, batch=batch)  # fmt: skip
        fact("tax_credit_level", None, "A", dt.date(2025, 6, 30), recorded_at=now, batch=batch)
        fact("revenue", 2024, 120, dt.date(2025, 6, 30), recorded_at=later)
        fact("revenue", 2024, 90, dt.date(2025, 3, 31), is_current=False,
             recorded_at=later + dt.timedelta(seconds=1))  # fmt: skip
        CorrectionRequest.objects.create(
            fact=flagged, enterprise=firm, department=source, reason="应为 110",
            due_on=dt.date(2025, 7, 7), raised_by=user, raised_at=now,
        )  # fmt: skip
    finally:
        _migrate(None)

    from jinqi.registry.models import CorrectionRequest as Request
    from jinqi.registry.models import Delivery
    from jinqi.registry.models import Enterprise as Firm
    from jinqi.registry.models import ImportBatch as Batch
    from jinqi.registry.selectors import enterprise_facts

    assert Delivery.objects.count() == 3
    facts = {(f.key, f.year, f.value, f.as_of, f.is_current) for f in
             enterprise_facts(Firm.objects.get(uscc="91310116MA1J8XXX0X"))}  # fmt: skip
    assert facts == {
        ("revenue", 2024, 120, dt.date(2025, 6, 30), True),
        ("revenue", 2024, 100, dt.date(2025, 6, 30), False),
        ("revenue", 2024, 90, dt.date(2025, 3, 31), False),
        ("tax_credit_level", None, "A", dt.date(2025, 6, 30), True),
    }
    request = Request.objects.get()
    assert (request.fact.key, request.fact.year, request.fact.value) == ("revenue", 2024, 100)
    assert request.delivery.batch_id == Batch.objects.get().pk
    assert Batch.objects.get().as_of == dt.date(2025, 6, 30)
