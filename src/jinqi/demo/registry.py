"""Demo registry: about 20,000 synthetic Jinshan enterprises imported the way a department would
import them, plus the demo enterprise account's own record with facts from several departments."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from jinqi.accounts.models import Department, User
from jinqi.accounts.services import system_user
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.synth import synth_write
from jinqi.registry.importing.batch import registry_import
from jinqi.registry.models import Enterprise, Industry
from jinqi.registry.selectors import enterprise_facts
from jinqi.registry.services import FactIn, correction_request_raise, enterprise_save, facts_record

DEMO_COUNT = 20_000
DEMO_SEED = 2022
AS_OF = dt.date(2026, 6, 30)


def demo_registry_load(report: Callable[[str], None]) -> None:
    if Enterprise.objects.exists():
        report("registry already loaded; kept as it is")
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "jinshan-enterprises.parquet"
        synth_write(path, count=DEMO_COUNT, seed=DEMO_SEED)
        result = registry_import(
            path=path,
            source=Department.objects.get(code="market-regulation"),
            acting_user=system_user(),
            as_of=AS_OF,
            file_name="jinshan-enterprises.parquet",
            on_progress=lambda done, total: (
                report(f"registry: {done}/{total} rows") if done % 5000 == 0 else None
            ),
        )
    report(f"registry: {result.imported} enterprises imported, {result.rejected} rejected")
    _demo_enterprise(report)


def _demo_enterprise(report: Callable[[str], None]) -> None:
    """The record the demo enterprise user sees: facts from three departments, one superseded,
    and an open correction request."""
    actor = system_user()
    firm, _created = enterprise_save(
        uscc=DEMO_ENTERPRISE_USCC,
        data={
            "name": "上海金企示范化工有限公司",
            "established_on": dt.date(2012, 4, 18),
            "registered_capital": 5000,
            "enterprise_type": "有限责任公司（自然人投资或控股）",
            "industry": Industry.objects.filter(code="C2614").first(),
            "town": Department.objects.get(code="park-jinshan-industrial"),
            "registered_address": "上海市金山区金山卫镇春华路 180 号",
            "legal_representative": "陈建国",
            "contact_person": "刘晓燕",
            "contact_phone": "13761234567",
        },
        acting_user=actor,
    )
    tax = Department.objects.get(code="tax-jinshan")
    facts_record(
        enterprise=firm,
        source=tax,
        as_of=dt.date(2026, 5, 31),
        acting_user=actor,
        facts=[
            FactIn("revenue", 18600, 2023),
            FactIn("revenue", 21400, 2024),
            FactIn("revenue", 23950, 2025),
            FactIn("total_assets", 31200, 2025),
            FactIn("taxable_income", 1650, 2025),
            FactIn("rd_expense", 980, 2025),
            FactIn("tax_credit_level", "A"),
        ],
    )
    facts_record(
        enterprise=firm,
        source=tax,
        as_of=dt.date(2026, 6, 30),
        acting_user=actor,
        facts=[FactIn("revenue", 24120, 2025)],
    )  # a later return corrects the figure
    facts_record(
        enterprise=firm,
        source=Department.objects.get(code="human-resources"),
        as_of=dt.date(2026, 6, 30),
        acting_user=actor,
        facts=[
            FactIn("employees", 268, 2025),
            FactIn("insured_employees", 261, 2025),
            FactIn("layoff_rate_last_year", 0.02, 2025),
            FactIn("ui_contribution_months", 36),
        ],
    )
    facts_record(
        enterprise=firm,
        source=Department.objects.get(code="science"),
        as_of=dt.date(2026, 3, 31),
        acting_user=actor,
        facts=[
            FactIn("high_tech_certificate_number", "GR202431000587"),
            FactIn("high_tech_certificate_until", "2027-11-18"),
            FactIn("tech_staff", 41, 2025),
            FactIn("core_ip_count", 6),
        ],
    )
    owner = User.objects.filter(username="enterprise").first()
    employees = next((f for f in enterprise_facts(firm) if f.key == "employees"), None)
    if owner is not None and employees is not None:
        correction_request_raise(
            fact=employees,
            reason="2025 年平均从业人数应为 275 人（含劳务派遣）。",
            acting_user=owner,
        )
    report(f"registry: demo enterprise {firm.uscc} with {len(enterprise_facts(firm))} facts")
