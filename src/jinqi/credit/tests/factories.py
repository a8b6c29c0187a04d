"""Credit records for tests, delivered through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, cast

from jinqi.accounts.models import Department, User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.credit.models import CreditRecord
from jinqi.credit.services import RecordIn, credit_record_receive
from jinqi.registry.models import Enterprise

_numbers = itertools.count(1)


def record_in(**data: Any) -> RecordIn:
    values: dict[str, Any] = {
        "kind": "serious_dishonesty",
        "severity": "serious",
        "domain": "market",
        "decision_number": f"金市监处〔2026〕{next(_numbers)}号",
        "decided_on": dt.date(2026, 3, 10),
        "summary": "未按规定履行行政处罚决定",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条",
        **data,
    }
    return RecordIn(**values)


def staff_department(staff: User) -> Department:
    assert staff.department is not None
    return staff.department


def record(enterprise: Enterprise, staff: User | None = None, **data: Any) -> CreditRecord:
    staff = staff or department_user("market-regulation")
    assert staff.department is not None
    created, _new = credit_record_receive(
        enterprise=enterprise,
        data=record_in(**data),
        department=staff.department,
        acting_user=staff,
    )
    return created


def owner_of(enterprise: Enterprise) -> User:
    return cast(User, UserFactory(role="enterprise", enterprise_uscc=enterprise.uscc))
