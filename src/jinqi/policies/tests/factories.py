"""Policies and matched enterprises for tests, made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jinqi.accounts.models import Department, User
from jinqi.policies.enums import Delivery
from jinqi.policies.models import Policy
from jinqi.policies.services import PolicyData, policy_create
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise, facts


def policy(
    acting_user: User,
    *,
    code: str = "test-small-employer",
    sql: str = "employees <= 30",
    delivery: str = Delivery.AUTO_GRANT,
    **data: Any,
) -> Policy:
    values: dict[str, Any] = {
        "code": code,
        "title": "测试：小微企业补贴",
        "document_number": "金府办〔2026〕1号",
        "valid_from": dt.date(2026, 1, 1),
        "summary": "从业人数30人以下的企业可获补贴。",
        "benefit": "每户补贴1万元。",
        "delivery": delivery,
        **data,
    }
    if "grant_amount" in values:
        values["grant_amount"] = Decimal(values["grant_amount"])
    if "budget" in values:
        values["budget"] = Decimal(values["budget"])
    return policy_create(
        data=PolicyData(**values),
        sql=sql,
        department=Department.objects.get(code=acting_user.department.code),  # type: ignore[union-attr]
        acting_user=acting_user,
    )


def employer(employees: int | None, **data: Any) -> Enterprise:
    """An enterprise whose profile states its employees (None: the figure is missing)."""
    created = enterprise(**data)
    if employees is not None:
        facts(created, "human-resources", dt.date(2026, 6, 30), employees_2025=employees)
    return created
