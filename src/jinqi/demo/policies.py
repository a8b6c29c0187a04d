"""Demo policies: the shipped catalogue matched against the demo registry, plus a park's
auto-grant with a quota and a budget, its list confirmed so the eligible enterprises (the demo
enterprise among them) hold offers to confirm or decline; and the district's own output
milestone reward (金经委规〔2023〕2号 第1条) offered to the industrial enterprises whose output
history the economy department delivered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import F

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.core import clock
from jinqi.policies.enums import Delivery, PolicyState
from jinqi.policies.models import Policy
from jinqi.policies.services import (
    PolicyData,
    auto_grant_list_confirm,
    matches_recompute_all,
    policy_create,
    policy_publish,
)
from jinqi.registry.models import Enterprise
from jinqi.registry.services import FactIn, facts_record

DEMO_CODE = "jinshan-park-demo-retention-subsidy"


def demo_policies_load(report: Callable[[str], None]) -> None:
    if Policy.objects.filter(code=DEMO_CODE).exists():
        report("policies already loaded; kept as they are")
        return
    _industrial_output_history(report)
    # The catalogue was published at migrate time, before the registry had enterprises.
    runs = matches_recompute_all(progress=lambda done, total: report(f"policies: {done}/{total}"))
    report(f"policies: {len(runs)} live policies matched")
    actor = system_user()
    year = clock.today().year  # the offers live in the demo clock's year, not a fixed one
    policy = policy_create(
        data=PolicyData(
            code=DEMO_CODE,
            title="（演示）金山工业区高新技术企业稳岗补贴",
            title_en="(Demo) Jinshan Industrial Park job-retention subsidy for high-tech firms",
            document_number="演示数据，非真实文件",
            valid_from=dt.date(year, 1, 1),
            valid_until=dt.date(year, 12, 31),
            summary="（演示）金山工业区内持有有效高新技术企业证书、未列入经营异常名录的企业，"
            "免申即享稳岗补贴，确认收款账户后发放。",
            benefit="每户2万元，名额100个，预算200万元，先匹配先得。",
            delivery=Delivery.AUTO_GRANT,
            needs_confirmation=True,
            quota=100,
            grant_amount=Decimal("2.00"),
            budget=Decimal("200.00"),
        ),
        sql="town = 'park-jinshan-industrial' AND is_high_tech AND in_abnormal_list IS NOT TRUE",
        department=Department.objects.get(code="park-jinshan-industrial"),
        acting_user=actor,
    )
    if policy.state == PolicyState.DRAFT:
        policy_publish(policy=policy, acting_user=actor, check=False)
    grants = auto_grant_list_confirm(policy=policy, acting_user=actor, check=False)
    report(f"policies: demo auto-grant list confirmed, {len(grants)} in line")
    milestone = Policy.objects.get(code=MILESTONE_CODE)
    grants = auto_grant_list_confirm(policy=milestone, acting_user=actor, check=False)
    report(f"policies: output milestone offered to {len(grants)} industrial enterprises")


MILESTONE_CODE = "jinshan-output-milestone"
# 工业总产值 in 万元 for the three years before the demo clock's (None: not delivered): one
# enterprise first passes 10亿, one 30亿, one crosses 10亿 and 30亿 in one year (paid the
# higher tier once), one had passed 10亿 before (nothing), one has no earlier year (possibly
# eligible, data needed).
OUTPUT_HISTORIES = (
    (86_000, 95_500, 104_800),
    (241_000, 276_000, 312_500),
    (71_000, 88_000, 336_000),
    (103_000, 118_000, 131_000),
    (None, None, 122_000),
)


def _industrial_output_history(report: Callable[[str], None]) -> None:
    """The economy department delivers industrial output for a few of the largest industrial
    enterprises (sections B, C, D) of the synthetic population."""
    economy = Department.objects.get(code="economy")
    today = clock.today()
    years = (today.year - 3, today.year - 2, today.year - 1)
    # Delivered this spring, or today when the demo clock is earlier in the year.
    delivered = min(dt.date(today.year, 3, 31), today)
    firms = Enterprise.objects.filter(industry__code__regex=r"^[BCD]").order_by(
        F("profile__revenue").desc(nulls_last=True), "pk"
    )[: len(OUTPUT_HISTORIES)]
    for firm, history in zip(firms, OUTPUT_HISTORIES, strict=False):
        facts = [
            FactIn("industrial_output", value, year)
            for year, value in zip(years, history, strict=True)
            if value is not None
        ]
        facts_record(
            enterprise=firm,
            facts=facts,
            source=economy,
            as_of=delivered,
            acting_user=system_user(),
        )
    report(f"policies: industrial output history for {len(firms)} enterprises")
