"""Enterprises, users and checks at each stage, for the legal check's tests (and the surface
walks in tests/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.legalcheck import services
from jinqi.legalcheck.enums import CheckState, Grade
from jinqi.legalcheck.models import ChecklistItem, LegalCheck
from jinqi.legalcheck.services import Answer, VisitResult
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise

FIRM = "上海金山法治体检示范有限公司"
# Mid-2026, a Wednesday.
TODAY = dt.datetime(2026, 7, 1, 10)


def firm(name: str = FIRM) -> Enterprise:
    return enterprise(name=name)


def owner(target: Enterprise) -> User:
    user: User = UserFactory(enterprise=True, enterprise_uscc=target.uscc)
    return user


def justice_staff(**kwargs: Any) -> User:
    """A staff member of a 司法所: a department user of the 区司法局."""
    return department_user("justice", **kwargs)


def requested(target: Enterprise, user: User | None = None) -> LegalCheck:
    return services.legal_check_request(
        enterprise=target, topics="劳动合同和合同管理", acting_user=user or owner(target)
    )


def accepted(target: Enterprise, provider: User) -> LegalCheck:
    check = requested(target)
    return services.legal_check_accept(
        check=check, lock_version=check.lock_version, acting_user=provider
    )


def answer_all(check: LegalCheck, provider: User, grade: str = Grade.GREEN) -> None:
    """Answer every item not yet answered (the prefilled ones keep the platform's answer)."""
    answered = set(check.findings.values_list("item_id", flat=True))
    answers = {
        item.pk: Answer(grade, "已核查。", "" if grade == Grade.GREEN else "建议完善制度。")
        for item in ChecklistItem.objects.active().exclude(pk__in=answered)
    }
    services.findings_save(check=check, answers=answers, acting_user=provider)


def amber_labour(check: LegalCheck, provider: User) -> Any:
    """The labour-contract item answered amber, with advice; returns its finding."""
    item = ChecklistItem.objects.get(section="labour", number=1)
    services.findings_save(
        check=check,
        answers={item.pk: Answer(Grade.AMBER, "3名员工未签书面劳动合同。", "一个月内补签。")},
        acting_user=provider,
    )
    return check.findings.get(item=item)


def reported(target: Enterprise, provider: User, *, rectify: bool = True) -> LegalCheck:
    check = accepted(target, provider)
    finding = amber_labour(check, provider)
    answer_all(check, provider)
    if rectify:
        services.rectification_add(
            check=check,
            finding=finding,
            action="与3名员工补签书面劳动合同",
            working_days=10,
            acting_user=provider,
        )
    check.refresh_from_db()
    return services.legal_check_report(
        check=check, lock_version=check.lock_version, acting_user=provider
    )


def closed(target: Enterprise, provider: User) -> LegalCheck:
    check = reported(target, provider)
    check.refresh_from_db()
    return services.return_visit(
        check=check,
        lock_version=check.lock_version,
        results={r.pk: VisitResult("done", "已补签") for r in check.rectifications.all()},
        note="回访：整改完成。",
        acting_user=provider,
    )


def in_state(state: str, target: Enterprise, provider: User) -> LegalCheck:
    builders: dict[str, Callable[[], LegalCheck]] = {
        CheckState.REQUESTED: lambda: requested(target),
        CheckState.IN_PROGRESS: lambda: accepted(target, provider),
        CheckState.REPORTED: lambda: reported(target, provider),
        CheckState.CLOSED: lambda: closed(target, provider),
    }
    if state == CheckState.WITHDRAWN:
        check = requested(target)
        return services.legal_check_withdraw(
            check=check, lock_version=check.lock_version, acting_user=owner(target)
        )
    made = builders[state]()
    made.refresh_from_db()
    return made
