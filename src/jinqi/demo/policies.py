"""Demo policies: the shipped catalogue matched against the demo registry, plus a park's
auto-grant with a quota and a budget, its list confirmed so the eligible enterprises (the demo
enterprise among them) hold offers to confirm or decline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.policies.enums import Delivery, PolicyState
from jinqi.policies.models import Policy
from jinqi.policies.services import (
    PolicyData,
    auto_grant_list_confirm,
    matches_recompute_all,
    policy_create,
    policy_publish,
)

DEMO_CODE = "jinshan-park-demo-retention-subsidy"


def demo_policies_load(report: Callable[[str], None]) -> None:
    if Policy.objects.filter(code=DEMO_CODE).exists():
        report("policies already loaded; kept as they are")
        return
    # The catalogue was published at migrate time, before the registry had enterprises.
    runs = matches_recompute_all(progress=lambda done, total: report(f"policies: {done}/{total}"))
    report(f"policies: {len(runs)} live policies matched")
    actor = system_user()
    policy = policy_create(
        data=PolicyData(
            code=DEMO_CODE,
            title="（演示）金山工业区高新技术企业稳岗补贴",
            title_en="(Demo) Jinshan Industrial Park job-retention subsidy for high-tech firms",
            document_number="演示数据，非真实文件",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 12, 31),
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
