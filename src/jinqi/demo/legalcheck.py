"""Demo legal health checks (法治体检, measures 50–51): five enterprises at five stages — asked
for, being checked (an enterprise on the serious-dishonesty list, prefilled red), the demo
enterprise's report issued with its rectification items open, a report whose rectification
deadline has passed, and one closed after its return visit — by the 区司法局's 司法所 staff, the
one being checked by the demo law firm (the providers demo's `provider` login) when it is
there — and the indicators linked to measures 50 and 51."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.plans import PLAN_CODE
from jinqi.demo.providers import PROVIDER_USERNAME
from jinqi.legalcheck import services
from jinqi.legalcheck.enums import Grade
from jinqi.legalcheck.indicators import INDICATOR_KEYS
from jinqi.legalcheck.models import ChecklistItem, LegalCheck
from jinqi.legalcheck.permissions import is_provider
from jinqi.legalcheck.services import Answer, VisitResult
from jinqi.plans.models import Measure
from jinqi.plans.services import measure_indicators_set
from jinqi.registry.models import Enterprise

MEASURE_SEQS = (50, 51)

# (section, number) → what a 司法所 finds often: grade, observation, advice.
RISKS = {
    ("labour", 1): (Grade.RED, "5名一线员工入职超过一个月未签订书面劳动合同。",
                    "立即补签书面劳动合同，并核算可能承担的二倍工资风险。"),
    ("contracts", 1): (Grade.AMBER, "未建立合同台账，合同分散保管。",
                       "建立合同台账，明确履行节点和到期提醒。"),
    ("intellectual_property", 2): (Grade.AMBER, "核心技术人员未签保密协议。",
                                   "与核心技术人员签订保密及竞业限制协议。"),
    ("organisation", 3): (Grade.AMBER, "上一年度年度报告逾期报送。", "按时报送年度报告。"),
}  # fmt: skip
RECTIFY = {("labour", 1): 10, ("contracts", 1): 20}


def _fill(check: LegalCheck, staff: User, *, complete: bool) -> None:
    """Answer the items the platform did not: the usual risks, the rest green."""
    answered = set(check.findings.values_list("item_id", flat=True))
    answers = {}
    for item in ChecklistItem.objects.active().exclude(pk__in=answered):
        risk = RISKS.get((item.section, item.number))
        if risk is not None:
            answers[item.pk] = Answer(*risk)
        elif complete:
            answers[item.pk] = Answer(Grade.GREEN, "经核查，未见风险。")
    services.findings_save(check=check, answers=answers, acting_user=staff)


def _report(firm: Enterprise, staff: User, owner: User) -> LegalCheck:
    check = services.legal_check_request(
        enterprise=firm, topics="劳动用工和合同管理", acting_user=owner
    )
    check = services.legal_check_accept(
        check=check, lock_version=check.lock_version, acting_user=staff
    )
    _fill(check, staff, complete=True)
    for (section, number), days in RECTIFY.items():
        services.rectification_add(
            check=check,
            finding=check.findings.get(item__section=section, item__number=number),
            action=f"整改：{RISKS[(section, number)][2]}",
            working_days=days,
            acting_user=staff,
        )
    check.refresh_from_db()
    return services.legal_check_report(
        check=check, lock_version=check.lock_version, acting_user=staff
    )


def _owner(firm: Enterprise) -> User:
    user, _created = User.objects.get_or_create(
        username=f"legal-{firm.uscc}",
        defaults={
            "role": "enterprise",
            "full_name": f"{firm.name}联系人",
            "enterprise_uscc": firm.uscc,
        },
    )
    return user


def demo_legalcheck_load(report: Callable[[str], None]) -> None:
    if LegalCheck.objects.exists():
        report("legal checks already loaded; kept as they are")
        return
    demo_firm = Enterprise.objects.filter(uscc=DEMO_ENTERPRISE_USCC).first()
    firms = list(Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[33:44])
    staff = User.objects.filter(username="justice").first()
    demo_user = User.objects.filter(enterprise_uscc=DEMO_ENTERPRISE_USCC).first()
    if demo_firm is None or len(firms) < 11 or staff is None or demo_user is None:
        report("legal checks: not enough enterprises or no 区司法局 account, skipped")
        return
    today = clock.now()
    # Asked for this week, nobody has taken it yet.
    services.legal_check_request(
        enterprise=firms[7], topics="知识产权保护", acting_user=_owner(firms[7])
    )
    # Being checked: on the serious-dishonesty list (credit demo), prefilled red.
    check = services.legal_check_request(
        enterprise=firms[0], topics="", acting_user=_owner(firms[0])
    )
    lawyer = User.objects.filter(username=PROVIDER_USERNAME).first()
    taker = lawyer if lawyer is not None and is_provider(lawyer) else staff
    check = services.legal_check_accept(
        check=check, lock_version=check.lock_version, acting_user=taker
    )
    _fill(check, taker, complete=False)
    # The demo enterprise: report issued, rectifications open.
    _report(demo_firm, staff, demo_user)
    # Reported two months ago: a deadline has passed.
    with clock.frozen_at(today - dt.timedelta(days=60)):
        _report(firms[8], staff, _owner(firms[8]))
    # Reported three months ago, closed at the return visit.
    with clock.frozen_at(today - dt.timedelta(days=90)):
        closed = _report(firms[9], staff, _owner(firms[9]))
    with clock.frozen_at(today - dt.timedelta(days=40)):
        closed.refresh_from_db()
        services.return_visit(
            check=closed,
            lock_version=closed.lock_version,
            results={r.pk: VisitResult("done", "已整改") for r in closed.rectifications.all()},
            note="回访：劳动合同已全部补签，合同台账已建立。",
            acting_user=staff,
        )
    lead = User.objects.get(username="lead")
    for measure in Measure.objects.filter(plan__code=PLAN_CODE, seq__in=MEASURE_SEQS):
        keys = list(dict.fromkeys([*measure.indicator_keys, *INDICATOR_KEYS]))
        measure_indicators_set(measure=measure, keys=keys, acting_user=lead)
    report("legal checks: five at five stages, indicators on measures 50–51")
