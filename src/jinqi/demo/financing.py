"""Demo financing (一网畅融): four institutions with one member each, the three products the
catalogue ships, requests in every state (one overdue and escalated), consents granted, read,
withdrawn and expired, and the financing indicators on plan measures 81–85."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC, DEMO_PASSWORD
from jinqi.demo.plans import PLAN_CODE
from jinqi.financing import services
from jinqi.financing.enums import ReadChannel
from jinqi.financing.models import Institution, Product
from jinqi.financing.packages import package_read
from jinqi.financing.statistics import INDICATOR_KEYS
from jinqi.plans.models import Measure
from jinqi.plans.services import measure_indicators_set
from jinqi.registry.models import Enterprise

MEASURE_SEQS = (81, 82, 83, 84, 85)  # financing services and data shared with banks
INSTITUTIONS = (
    ("bank-rcb", "上海农商银行金山支行", "bank"),
    ("bank-icbc", "工商银行上海金山支行", "bank"),
    ("guarantee-sh", "上海市中小微企业政策性融资担保基金管理中心", "guarantee"),
    ("microcredit-js", "金山区小额贷款股份有限公司", "microcredit"),
)
# (days ago submitted, amount 万元, months, collateral, product, what happens, institution)
REQUESTS = (
    (2, "150", 12, "none", "batch-guarantee", "submitted", None),
    (6, "300", 24, "equipment", "carbon-loan", "taken", "bank-icbc"),
    (8, "80", 12, "none", "agri-loan", "asked", "bank-rcb"),
    (40, "500", 12, "none", "batch-guarantee", "granted", "guarantee-sh"),
    (35, "200", 36, "none", "agri-loan", "granted", "bank-rcb"),
    (30, "1200", 60, "property", "carbon-loan", "granted", "bank-icbc"),
    (25, "600", 12, "receivables", "batch-guarantee", "declined", "microcredit-js"),
    (20, "100", 12, "none", "batch-guarantee", "withdrawn", None),
    (30, "400", 24, "ip", "batch-guarantee", "overdue", "microcredit-js"),
)
GRANTS = {"guarantee-sh": "3.45", "bank-rcb": "3.10", "bank-icbc": "2.95"}


def demo_financing_accounts() -> list[tuple[str, str, str]]:
    return [(str(Role.INSTITUTION.label), code, name) for code, name, _kind in INSTITUTIONS]


def _member(code: str, institution: Institution, acting_user: User) -> User:
    user, created = User.objects.get_or_create(
        username=code,
        defaults={"role": Role.INSTITUTION, "full_name": f"{institution.name}客户经理"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        services.institution_member_add(institution=institution, user=user, acting_user=acting_user)
    return user


def _firm_user(firm: Enterprise) -> User:
    if firm.uscc == DEMO_ENTERPRISE_USCC:
        return User.objects.get(username="enterprise")
    user, _created = User.objects.get_or_create(
        username=f"firm-{firm.uscc[-6:].lower()}",
        defaults={"role": Role.ENTERPRISE, "full_name": firm.name, "enterprise_uscc": firm.uscc},
    )
    return user


def _at(days_ago: int) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days_ago)


def demo_financing_load(report: Callable[[str], None]) -> None:
    if Institution.objects.exists():
        report("financing already loaded; kept as it is")
        return
    lead = User.objects.get(username="lead")
    firms = [
        Enterprise.objects.get(uscc=DEMO_ENTERPRISE_USCC),
        *Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[50:58],
    ]
    if len(firms) < len(REQUESTS):
        report("financing: not enough enterprises, skipped")
        return
    institutions, members = {}, {}
    for code, name, kind in INSTITUTIONS:
        institutions[code] = services.institution_create(name=name, kind=kind, acting_user=lead)
        members[code] = _member(code, institutions[code], lead)
    products = {p.code: p for p in Product.objects.all()}
    for firm, (ago, amount, months, collateral, product, outcome, holder) in zip(
        firms, REQUESTS, strict=False
    ):
        owner = _firm_user(firm)
        with clock.frozen_at(_at(ago)):
            request = services.request_submit(
                data=services.RequestData(
                    amount=Decimal(amount),
                    purpose="购置设备、补充流动资金",
                    term_months=months,
                    collateral=collateral,
                    products=[products[product]],
                ),
                acting_user=owner,
            )
        if outcome == "withdrawn":
            services.request_transition(
                request=request,
                action="withdraw",
                lock_version=request.lock_version,
                acting_user=owner,
            )
            continue
        if holder is None:
            continue
        officer = members[holder]
        with clock.frozen_at(_at(ago - 1)):
            consent = services.consent_grant(
                data=services.ConsentData(
                    institution=institutions[holder],
                    purpose=f"{products[product].name}授信审查",
                    valid_from=clock.today(),
                    valid_until=clock.today()
                    + dt.timedelta(days=20 if outcome == "declined" else 90),
                    request=request,
                ),
                acting_user=owner,
            )
            request = services.request_transition(
                request=request,
                action="take",
                lock_version=request.lock_version,
                acting_user=officer,
            )
            package_read(
                uscc=firm.uscc, consent_id=consent.pk, channel=ReadChannel.API, acting_user=officer
            )
        if outcome == "asked":
            services.request_transition(
                request=request,
                action="ask",
                lock_version=request.lock_version,
                text="请补充近三个月的农产品销售合同。",
                acting_user=officer,
            )
        elif outcome in ("granted", "declined"):
            with clock.frozen_at(_at(ago - 6)):
                if outcome == "granted":
                    services.request_transition(
                        request=request,
                        action="grant",
                        lock_version=request.lock_version,
                        acting_user=officer,
                        terms=services.GrantTerms(
                            Decimal(amount), Decimal(GRANTS[holder]), months, products[product]
                        ),
                    )
                    services.consent_withdraw(consent=consent, acting_user=owner)
                else:
                    services.request_transition(
                        request=request,
                        action="decline",
                        lock_version=request.lock_version,
                        text="应收账款集中于单一客户，暂不符合授信条件。",
                        acting_user=officer,
                    )
    escalated = services.requests_escalate()
    for measure in Measure.objects.filter(plan__code=PLAN_CODE, seq__in=MEASURE_SEQS):
        keys = list(dict.fromkeys([*measure.indicator_keys, *INDICATOR_KEYS]))
        measure_indicators_set(measure=measure, keys=keys, acting_user=lead)
    report(
        f"financing: {len(INSTITUTIONS)} institutions, {len(REQUESTS)} requests "
        f"({escalated} escalated), indicators on measures 81–85"
    )
