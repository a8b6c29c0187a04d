"""Demo inspections: published items of four departments, the 安全+环保 checklist for
chemicals (owned by 区应急管理局, drafted by an institution), a year of plans from the four
departments (planned, triggered, and a special one approved and published), each department's
roster with a declared conflict, and market regulation's 双随机 draw with its tasks. The visits
built from the tasks are another step's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.inspections import services
from jinqi.inspections.enums import PlanKind, RiskLevel
from jinqi.inspections.models import InspectionItem, Inspector, Plan
from jinqi.registry.models import Enterprise

DEPARTMENTS = ("emergency-management", "ecology-environment", "market-regulation", "fire-rescue")
CHECKLIST = "化工企业安全环保体检单"
DRAW_SEED = 20260601

# (department, code, name, legal basis, content, standard, risk level, 无事不扰)
ITEMS = (
    ("emergency-management", "AQ-001", "危险化学品储存安全",
     "《危险化学品安全管理条例》第二十四条", "危险化学品是否储存在专用仓库、专用场地或专用储存室内",
     "GB 15603-2022《危险化学品仓库储存通则》", RiskLevel.HIGH, False),
    ("emergency-management", "AQ-002", "安全生产责任制落实",
     "《中华人民共和国安全生产法》第二十二条", "是否建立全员安全生产责任制并考核",
     "《安全生产法》第二十二条", RiskLevel.MEDIUM, False),
    ("emergency-management", "AQ-003", "特种作业人员持证上岗",
     "《中华人民共和国安全生产法》第三十条", "特种作业人员是否取得相应资格",
     "《特种作业人员安全技术培训考核管理规定》", RiskLevel.MEDIUM, True),
    ("ecology-environment", "HB-001", "排污许可执行情况",
     "《排污许可管理条例》第十七条", "是否按排污许可证规定排放污染物",
     "排污许可证载明的排放限值", RiskLevel.HIGH, False),
    ("ecology-environment", "HB-002", "危险废物贮存与转移",
     "《中华人民共和国固体废物污染环境防治法》第八十一条", "危险废物是否分类贮存并执行转移联单",
     "GB 18597-2023《危险废物贮存污染控制标准》", RiskLevel.HIGH, False),
    ("ecology-environment", "HB-003", "环境应急预案备案",
     "《突发环境事件应急管理办法》第十三条", "是否编制并备案突发环境事件应急预案",
     "《企业事业单位突发环境事件应急预案备案管理办法》", RiskLevel.LOW, True),
    ("market-regulation", "SC-001", "营业执照和经营范围",
     "《中华人民共和国市场主体登记管理条例》第三条", "是否按登记的经营范围经营并公示执照",
     "营业执照载明事项", RiskLevel.LOW, True),
    ("market-regulation", "SC-002", "特种设备使用登记",
     "《中华人民共和国特种设备安全法》第三十三条", "特种设备是否办理使用登记并定期检验",
     "TSG 08-2017《特种设备使用管理规则》", RiskLevel.HIGH, False),
    ("fire-rescue", "XF-001", "消防设施完好有效",
     "《中华人民共和国消防法》第十六条", "消防设施、器材是否完好有效，疏散通道是否畅通",
     "GB 25201-2010《建筑消防设施的维护管理》", RiskLevel.MEDIUM, False),
)  # fmt: skip

# (department, kind, title, reason kind, reason)
PLANS = (
    ("emergency-management", PlanKind.PLANNED, "年度危险化学品企业双随机抽查计划", "", ""),
    ("ecology-environment", PlanKind.PLANNED, "年度排污单位双随机抽查计划", "", ""),
    ("market-regulation", PlanKind.PLANNED, "年度特种设备使用单位双随机抽查计划", "", ""),
    ("fire-rescue", PlanKind.PLANNED, "年度消防安全重点单位抽查计划", "", ""),
    ("ecology-environment", PlanKind.TRIGGERED, "群众举报异味排放核查", "complaint",
     "12345热线转来群众举报：夜间有刺激性气味"),
    ("market-regulation", PlanKind.SPECIAL, "燃气用具安全专项检查", "", ""),
)  # fmt: skip

# Roster: (department, surname initial of names, certificate prefix)
ROSTERS = {
    "emergency-management": ("应急", "3101160801"),
    "ecology-environment": ("环保", "3101160901"),
    "market-regulation": ("市监", "3101161001"),
    "fire-rescue": ("消防", "3101161101"),
}
SURNAMES = ("王", "李", "张", "陈", "周")


def demo_inspections_load(report: Callable[[str], None]) -> None:
    if InspectionItem.objects.exists():
        report("inspections already loaded; kept as they are")
        return
    staff = {code: User.objects.filter(username=code).first() for code in DEPARTMENTS}
    lead = User.objects.filter(username="lead").first()
    if lead is None or any(user is None for user in staff.values()):
        report("inspections: demo accounts missing, skipped")
        return
    items: dict[str, InspectionItem] = {}
    for code, item_code, name, basis, content, standard, risk, no_disturb in ITEMS:
        user = staff[code]
        assert user is not None
        item = services.item_save(
            data=services.ItemIn(item_code, name, basis, content, standard, risk, no_disturb),
            acting_user=user,
        )
        items[item_code] = services.item_publish(item=item, acting_user=user)
    safety = staff["emergency-management"]
    assert safety is not None
    services.checklist_save(
        data=services.ChecklistIn(
            name=CHECKLIST,
            industry_prefixes=["C26", "C27", "C29"],
            drafted_by="上海市化工安全环保技术服务中心（受托起草）",
            description="应急管理与生态环境部门联合检查用，一次入企完成安全和环保检查。",
            item_ids=[items[c].pk for c in ("AQ-001", "AQ-002", "HB-001", "HB-002", "XF-001")],
        ),
        acting_user=safety,
    )
    plans = _plans(staff, lead, items)
    _rosters(staff)
    _draw(staff["market-regulation"], plans["market-regulation"], report)
    report(f"inspections: {len(items)} items, {Plan.objects.count()} plans, one draw")


def _plans(
    staff: dict[str, User | None], lead: User, items: dict[str, InspectionItem]
) -> dict[str, Plan]:
    year = clock.today().year
    planned: dict[str, Plan] = {}
    for code, kind, title, reason_kind, reason in PLANS:
        user = staff[code]
        assert user is not None
        own = [i.pk for i in items.values() if i.department_id == user.department_id]
        plan = services.plan_receive(
            data=services.PlanIn(
                year=year,
                kind=kind,
                title=f"{year}{title}",
                reason_kind=reason_kind,
                reason=reason,
                item_ids=own,
            ),
            acting_user=user,
        )
        if kind == PlanKind.SPECIAL:
            plan = services.plan_step(
                plan=plan, action="approve", lock_version=plan.lock_version, acting_user=lead
            )
            plan = services.plan_step(
                plan=plan, action="publish", lock_version=plan.lock_version, acting_user=user
            )
        if kind == PlanKind.PLANNED:
            planned[code] = plan
    return planned


def _rosters(staff: dict[str, User | None]) -> None:
    today = clock.today()
    for code, (unit, prefix) in ROSTERS.items():
        user = staff[code]
        assert user is not None
        for n, surname in enumerate(SURNAMES):
            services.inspector_add(
                data=services.InspectorIn(
                    name=f"{surname}{unit}",
                    certificate_number=f"{prefix}{n:02d}",
                    valid_from=today - dt.timedelta(days=700),
                    # One certificate ends next week: the draw leaves its holder out.
                    valid_to=today + dt.timedelta(days=7 if n == 4 else 1100),
                ),
                acting_user=user,
            )


def _draw(user: User | None, plan: Plan, report: Callable[[str], None]) -> None:
    assert user is not None
    firm = Enterprise.objects.active().order_by("uscc").first()
    inspector = Inspector.objects.filter(department=user.department).first()
    if firm is not None and inspector is not None:
        services.conflict_declare(
            inspector=inspector, uscc=firm.uscc, reason="近亲属在该企业任职", acting_user=user
        )
    start = clock.today() + dt.timedelta(days=14)
    try:
        services.draw_make(
            data=services.DrawIn(
                plan=plan,
                window_start=start,
                window_end=start + dt.timedelta(days=60),
                industry_prefix="C2614",  # organic chemicals: a draw of tens, not of every factory
                seed=DRAW_SEED,
            ),
            acting_user=user,
        )
    except DomainError as refusal:
        report(f"inspections: no draw ({refusal.message})")
