"""Records, enterprises and users for the repair and report tests, made directly (the delivery
pipeline is tested where it lives)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.credit.enums import CreditDomain, RecordKind, Severity
from jinqi.credit.models import CreditRecord
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
FIRM = "上海金山信用示范有限公司"

_numbers = iter(range(1, 10_000))


def firm(name: str = FIRM) -> Enterprise:
    return enterprise(name=name)


def owner(target: Enterprise) -> Any:
    return UserFactory(enterprise=True, enterprise_uscc=target.uscc)


def staff(code: str = "market-regulation") -> Any:
    return department_user(code)


def record(
    target: Enterprise,
    *,
    department: str = "market-regulation",
    decided_on: dt.date = dt.date(2026, 3, 10),
    repairable_from: dt.date | None = None,
    takedown_on: dt.date | None = None,
    severity: str = Severity.GENERAL,
    domain: str = CreditDomain.MARKET,
    fulfilled: bool = True,
    number: str | None = None,
) -> CreditRecord:
    """A published general record of market regulation, repairable from 2026-06-11."""
    now = clock.now()
    fulfilled_on = decided_on + dt.timedelta(days=22) if fulfilled else None
    return CreditRecord.objects.create(
        enterprise=target,
        kind=RecordKind.PENALTY,
        severity=severity,
        domain=domain,
        decision_number=number or f"金市监处〔2026〕{next(_numbers)}号",
        decided_on=decided_on,
        department=Department.objects.get(code=department),
        summary="未按规定公示年度报告，罚款二千元。",
        legal_basis="《企业信息公示暂行条例》第十八条",
        published_from=decided_on,
        repairable_from=repairable_from or dt.date(2026, 6, 11),
        takedown_on=takedown_on or dt.date(2027, 3, 11),
        min_months=3,
        max_months=12,
        rule_version="2025",
        period_basis="国办发〔2025〕22号",
        obligation_fulfilled=fulfilled_on is not None,
        fulfilled_on=fulfilled_on,
        received_at=now,
        updated_at=now,
    )


# Mid-2026, a Wednesday: the default record is repairable, not yet taken down.
TODAY = dt.datetime(2026, 7, 1, 10)


def pdf(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
