"""Demo appeals: sixty requests and questions from registry enterprises over the last three
months, in every state (some answered late, escalated, rated, reopened, merged), so the queues,
the escalations, the statistics and the live indicators have something to show. The lead office's
live indicators are linked to plan measure 65 (政企沟通)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.appeals import services
from jinqi.appeals.enums import AppealKind, Contact
from jinqi.appeals.models import Appeal, Category
from jinqi.core import clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.plans import PLAN_CODE, current_plan_code
from jinqi.plans.models import Measure
from jinqi.plans.services import measure_indicators_set
from jinqi.registry.models import Enterprise

COUNT = 60
INDICATORS = [
    "appeals.response_rate",
    "appeals.resolution_rate",
    "appeals.satisfaction_rate",
    "appeals.volume",
]
MEASURE_SEQ = 65  # 政企沟通 in the Jinshan 2022 plan

SUBJECTS = {
    "policy": (
        "高新技术企业认定奖励的申报条件咨询",
        "我司去年通过高新技术企业认定，想了解区级奖励的申报条件、材料和时间安排。",
    ),
    "business-lifecycle": (
        "分公司注销办理咨询",
        "我司拟注销一家分公司，想确认简易注销的条件以及税务清税需要提交哪些材料。",
    ),
    "construction-approval": (
        "厂房扩建项目施工许可进度",
        "厂房扩建项目已提交施工许可申请两周，系统仍显示审核中，请协助了解进度。",
    ),
    "tax": ("研发费用加计扣除口径", "委托外部机构开展的研发活动，费用能否全部计入加计扣除基数？"),
    "social-insurance": (
        "外省员工社保转移",
        "新招聘的外省员工社保关系转入手续如何办理，需要企业提供哪些证明？",
    ),
    "financing": ("中小企业贷款贴息", "我司申请了技改贷款，想了解区里的贷款贴息政策及申请渠道。"),
    "land-premises": (
        "标准厂房租赁补贴",
        "入驻园区标准厂房后，租金补贴的申请时间和计算方式是什么？",
    ),
    "utilities": (
        "新装变压器接电时间过长",
        "新装变压器已验收一个月仍未接电，影响投产，请协调供电部门。",
    ),
    "market-enforcement": (
        "同一事项重复检查",
        "本月已接受两次内容相同的现场检查，希望能合并检查、减少打扰。",
    ),
    "intellectual-property": (
        "专利资助申请被退回",
        "发明专利资助申请被退回，提示材料不全，但未说明缺少什么。",
    ),
    "service-review": (
        "窗口办理等待时间过长",
        "在行政服务中心办理业务排队超过两小时，给了差评，希望改进。",
    ),
    "other": ("园区道路夜间照明", "园区主干道夜间照明不足，员工下班通行不安全，请协调解决。"),
}

# How far each demo appeal goes, cycled over the sixty.
PATHS = (
    "closed-5",
    "closed-4",
    "in_progress",
    "submitted",
    "closed-5",
    "resolved",
    "info_requested",
    "closed-late-3",
    "submitted-overdue",
    "reopened",
    "closed-2-unsolved",
    "in_progress-overdue",
    "transferred",
    "closed-5",
    "merged",
)


@transaction.atomic
def demo_appeals_load(report: Callable[[str], None]) -> None:
    if Appeal.objects.exists():
        report("appeals already loaded; kept as they are")
        return
    categories = list(Category.objects.active().select_related("department", "regime"))
    firms = list(Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[:24])
    if not categories or not firms:
        report("appeals: no categories or enterprises, skipped")
        return
    lead = User.objects.get(username="lead")
    now = clock.now()
    for index in range(COUNT):
        category = categories[index % len(categories)]
        firm = firms[index % len(firms)]
        path = PATHS[index % len(PATHS)]
        days_ago = 4 + (index * 11) % 85 if "overdue" not in path else 12 + index % 5
        if path == "submitted":
            days_ago = index % 2
        _walk(category, firm, path, index, now - dt.timedelta(days=days_ago), lead)
    with clock.frozen_at(now):
        escalated = services.appeals_escalate_overdue()
        asked = services.appeals_follow_up_due()
    _link_measure(lead)
    report(f"appeals: {Appeal.objects.count()} demo appeals, {escalated} escalated, {asked} asked")


def _user(firm: Enterprise, index: int) -> User:
    user, _created = User.objects.get_or_create(
        username=f"demo-appellant-{index % 24 + 1:02d}",
        defaults={"role": Role.ENTERPRISE, "full_name": firm.name, "enterprise_uscc": firm.uscc},
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _walk(
    category: Category, firm: Enterprise, path: str, index: int, filed: dt.datetime, lead: User
) -> Appeal:
    user = _user(firm, index)
    staff = User.objects.get(username=category.department.code)
    title, text = SUBJECTS.get(category.code, SUBJECTS["other"])
    with clock.frozen_at(filed):
        appeal = services.appeal_file(
            data=services.AppealData(
                kind=AppealKind.QUESTION if category.code == "policy" else AppealKind.REQUEST,
                category=category,
                title=title,
                text=f"{text}（{firm.name}）",
                contact_channel=(Contact.PHONE, Contact.INBOX, Contact.EMAIL)[index % 3],
                contact_value=("13900001234", "", "contact@example.com")[index % 3],
            ),
            acting_user=user,
            # Firms tell a matter twice on purpose (the "merged" path): past the warning.
            file_anyway=True,
        )

    def at(days: float, action: Callable[..., Appeal], **kwargs: Any) -> Appeal:
        nonlocal appeal
        with clock.frozen_at(filed + dt.timedelta(days=days)):
            appeal = action(appeal=appeal, lock_version=appeal.lock_version, **kwargs)
        return appeal

    if path.startswith("submitted"):
        return appeal
    if path == "merged":
        original = Appeal.objects.filter(enterprise=firm).exclude(pk=appeal.pk).first()
        if original is not None and original.department_id == appeal.department_id:
            with clock.frozen_at(filed + dt.timedelta(hours=3)):
                return services.appeal_merge(
                    duplicate=appeal,
                    original=original,
                    lock_version=appeal.lock_version,
                    acting_user=staff,
                )
        path = "in_progress"
    if path == "transferred":
        other = User.objects.get(
            username="gov-services" if staff.username != "gov-services" else "economy"
        )
        at(
            0.2,
            services.appeal_transfer,
            department=other.department,
            reason="该事项由我单位以外的部门主管，已转办。",
            acting_user=staff,
        )
        return at(0.9, services.appeal_respond, text="已收到转办，正在核实。", acting_user=other)
    late = "late" in path or "overdue" in path
    at(
        3.5 if late else 0.2,
        services.appeal_respond,
        text="已收到，正在核实办理，将尽快答复。",
        acting_user=staff,
    )
    if path.startswith("in_progress"):
        return appeal
    if path == "info_requested":
        return at(
            1, services.appeal_ask_info, text="请补充相关合同或受理回执的照片。", acting_user=staff
        )
    at(
        3,
        services.appeal_resolve,
        answer="经核实，已按规定办理，具体情况已电话告知。如有疑问请随时联系。",
        acting_user=staff,
    )
    if path == "resolved":
        return appeal
    if path in ("reopened", "closed-2-unsolved"):
        at(
            3.5,
            services.appeal_reopen,
            reason="答复未解决实际问题，请进一步协调。",
            acting_user=user,
        )
        if path == "reopened":
            return appeal
        at(
            6,
            services.appeal_resolve,
            answer="已再次协调相关单位，明确了办理时间表。",
            acting_user=staff,
        )
        return at(
            7,
            services.appeal_confirm,
            rating=2,
            solved=False,
            comment="仍未完全解决。",
            acting_user=user,
        )
    rating = int(path.rsplit("-", 1)[-1])
    return at(
        4,
        services.appeal_confirm,
        rating=rating,
        solved=rating >= 3,
        comment="感谢答复。",
        acting_user=user,
    )


def _link_measure(lead: User) -> None:
    """The lead office attaches the appeal indicators to measure 65 (政企沟通), as it would on the
    measure's page."""
    measure = (
        Measure.objects.filter(plan__code__in=[current_plan_code(), PLAN_CODE], seq=MEASURE_SEQ)
        .order_by("-plan__year")
        .first()
    )
    if measure is not None:
        keys = list(dict.fromkeys([*measure.indicator_keys, *INDICATORS]))
        measure_indicators_set(measure=measure, keys=keys, acting_user=lead)
