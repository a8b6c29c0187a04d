"""Configuration to start from: sampling ratios from a published local example (林甸县 2024),
labelled as such, for the lead office to replace with the district's own; the incentive for
A-level taxpayers; the issue's two credit gates (no 免申即享 payment and no grant approval while
on the serious-dishonesty list)."""

from decimal import Decimal

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

EXAMPLE = "示例：林甸县2024年分级分类抽查比例（非本区规定，待牵头部门确认）"
RATIOS = {
    "A": (Decimal("5"), Decimal("0.5")),
    "B": (Decimal("20"), Decimal("1")),
    "C": (Decimal("60"), Decimal("1.5")),
    "D": (Decimal("100"), None),
}


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ratio = apps.get_model("credit", "SamplingRatio")
    for risk_class, (percent, visits) in RATIOS.items():
        ratio.objects.get_or_create(
            risk_class=risk_class,
            defaults={"percent": percent, "visits_per_year": visits, "basis": EXAMPLE},
        )
    incentive = apps.get_model("credit", "Incentive")
    incentive.objects.get_or_create(
        code="a-level-skips-review",
        defaults={
            "name": "纳税信用A级企业免于一道审核（守信激励）",
            "tax_level": "A",
            "basis": "市场监管与税务守信激励措施（示例配置，待牵头部门确认）",
        },
    )
    seed_gates(apps)


GATES = (
    ("serious-dishonesty-no-payment", "严重失信主体名单内企业不予免申即享兑付", "payment"),
    ("serious-dishonesty-no-approval", "严重失信主体名单内企业不予批准奖补申请", "approval"),
)
GATE_BASIS = "国务院办公厅《关于进一步完善信用修复制度的实施方案》及失信惩戒措施基础清单"


def seed_gates(apps: Apps) -> None:
    gate = apps.get_model("credit", "CreditGate")
    for code, name, action in GATES:
        gate.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "action": action,
                "condition": "in_serious_dishonesty_list IS TRUE",
                "basis": GATE_BASIS,
            },
        )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("credit", "SamplingRatio").objects.filter(basis=EXAMPLE).delete()
    apps.get_model("credit", "Incentive").objects.filter(code="a-level-skips-review").delete()
    apps.get_model("credit", "CreditGate").objects.filter(code__in=[g[0] for g in GATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
