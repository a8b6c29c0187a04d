"""Demo credit: records of every class from three departments about registry enterprises —
some repairable today, some not yet, one whose obligation is still open, one taken down, one
masked by a reorganisation, one on the serious-dishonesty list that a credit gate stops — and the
credit indicators linked to plan measures 43–46."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.credit.indicators import INDICATOR_KEYS
from jinqi.credit.models import CreditRecord
from jinqi.credit.services import RecordIn, credit_record_receive, reorganisation_register
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.plans import PLAN_CODE
from jinqi.plans.models import Measure
from jinqi.plans.services import measure_indicators_set
from jinqi.registry.models import Enterprise

MEASURE_SEQS = (43, 44, 45, 46)  # credit supervision in the Jinshan 2022 plan
PREFIX = {"market-regulation": "市监", "tax-jinshan": "税", "water": "水务"}  # 文号 abbreviations

# (department, kind, class, domain, days before today decided, days before today fulfilled or
# None, what was decided, legal basis)
RECORDS = (
    ("market-regulation", "penalty", "general", "market", 200, 180,
     "销售不合格产品，已缴清罚款并整改", "《中华人民共和国产品质量法》第四十九条"),
    ("market-regulation", "penalty", "general", "market", 40, 20,
     "虚假宣传，已缴清罚款", "《中华人民共和国反不正当竞争法》第二十条"),
    ("tax-jinshan", "penalty", "minor", "tax", 30, 25,
     "逾期申报，已补报并缴纳罚款", "《中华人民共和国税收征收管理法》第六十二条"),
    ("market-regulation", "abnormal_list", "general", "market", 100, None,
     "未按期公示年度报告，列入经营异常名录", "《企业信息公示暂行条例》第八条"),
    ("market-regulation", "serious_dishonesty", "serious", "market", 120, None,
     "拒不履行行政处罚决定，列入严重违法失信名单",
     "《市场监督管理严重违法失信名单管理办法》第二条"),
    ("water", "penalty", "serious", "environment", 420, 400,
     "未经许可向河道排放污水，已完成整改", "《中华人民共和国水法》第六十七条"),
    ("tax-jinshan", "penalty", "minor", "tax", 150, 140,
     "未按规定保管发票，已改正", "《中华人民共和国发票管理办法》第三十五条"),
)  # fmt: skip


def demo_credit_load(report: Callable[[str], None]) -> None:
    if CreditRecord.objects.exists():
        report("credit records already loaded; kept as they are")
        return
    firms = list(Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[30:40])
    demo_firm = Enterprise.objects.filter(uscc=DEMO_ENTERPRISE_USCC).first()
    if len(firms) < len(RECORDS) or demo_firm is None:
        report("credit: not enough enterprises, skipped")
        return
    today = clock.today()
    targets = [demo_firm, *firms]
    for index, (code, kind, severity, domain, decided, fulfilled, summary, basis) in enumerate(
        RECORDS
    ):
        staff = User.objects.get(username=code)
        assert staff.department is not None
        credit_record_receive(
            enterprise=targets[index],
            data=RecordIn(
                kind=kind,
                severity=severity,
                domain=domain,
                decision_number=f"金{PREFIX[code]}罚〔{today.year}〕{101 + index}号",
                decided_on=today - dt.timedelta(days=decided),
                summary=summary,
                legal_basis=basis,
                fulfilled_on=today - dt.timedelta(days=fulfilled) if fulfilled else None,
            ),
            department=staff.department,
            acting_user=staff,
        )
    lead = User.objects.get(username="lead")
    reorganisation_register(
        enterprise=targets[5],  # the serious penalty: masked while the plan is performed
        kind="reorganisation",
        court="上海市第三中级人民法院",
        ruling_number=f"（{today.year}）沪03破18号之一",
        ruled_on=today - dt.timedelta(days=60),
        ruling=None,
        acting_user=lead,
    )
    for measure in Measure.objects.filter(plan__code=PLAN_CODE, seq__in=MEASURE_SEQS):
        keys = list(dict.fromkeys([*measure.indicator_keys, *INDICATOR_KEYS]))
        measure_indicators_set(measure=measure, keys=keys, acting_user=lead)
    report(f"credit: {len(RECORDS)} records, one reorganisation, indicators on measures 43–46")
