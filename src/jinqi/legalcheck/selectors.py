"""Every read of the legal health check a user can trigger, taking the user: an enterprise sees
its own checks, a provider the open requests and the checks it took; anything else is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from jinqi.accounts.models import User
from jinqi.core.models import VerifiableDocument
from jinqi.legalcheck.enums import SECTION_ORDER, CheckState, Grade
from jinqi.legalcheck.enums import Section as ChecklistSection
from jinqi.legalcheck.models import ChecklistItem, Finding, LegalCheck
from jinqi.legalcheck.permissions import (
    can_edit_checklist,
    is_own_enterprise,
    is_provider,
    law_firm_of,
)
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of


def own_enterprise(user: User) -> Enterprise:
    enterprise = enterprise_of(user)
    if enterprise is None or not is_own_enterprise(user, enterprise.uscc):
        raise Http404
    return enterprise


def checks_of_enterprise(enterprise: Enterprise) -> QuerySet[LegalCheck]:
    return LegalCheck.objects.filter(enterprise=enterprise)


def provider_checks(user: User) -> QuerySet[LegalCheck]:
    """Open requests nobody took, and the checks the user's provider took."""
    if not is_provider(user):
        return LegalCheck.objects.none()
    firm = law_firm_of(user)
    taken = (
        Q(provider_organisation=firm)
        if firm is not None
        else Q(provider_department_id=user.department_id, provider_organisation__isnull=True)
    )
    return LegalCheck.objects.filter(Q(state=CheckState.REQUESTED) | taken).select_related(
        "enterprise"
    )


def check_for(user: User, pk: int) -> LegalCheck:
    if is_provider(user):
        found = provider_checks(user).filter(pk=pk).first()
    else:
        uscc = getattr(user, "enterprise_uscc", "")
        found = (
            LegalCheck.objects.filter(pk=pk, enterprise__uscc=uscc)
            .select_related("enterprise")
            .first()
            if uscc and is_own_enterprise(user, uscc)
            else None
        )
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class SectionItems:
    section: str
    label: str
    items: list[ChecklistItem]


def checklist(*, include_retired: bool = False) -> list[SectionItems]:
    """The checklist by section, in the plan's order of the nine sections."""
    items = ChecklistItem.objects.all() if include_retired else ChecklistItem.objects.active()
    grouped: dict[str, list[ChecklistItem]] = {value: [] for value in ChecklistSection.values}
    for item in items:
        grouped[item.section].append(item)
    return [
        SectionItems(value, str(ChecklistSection(value).label), grouped[value])
        for value in sorted(grouped, key=SECTION_ORDER.__getitem__)
    ]


@dataclass(frozen=True)
class Row:
    item: ChecklistItem
    finding: Finding | None


def check_sheet(check: LegalCheck) -> list[tuple[str, list[Row]]]:
    """The checklist with the check's findings beside each item, by section."""
    findings = {f.item_id: f for f in check.findings.all()}
    return [
        (section.label, [Row(item, findings.get(item.pk)) for item in section.items])
        for section in checklist()
    ]


def grade_counts(check: LegalCheck) -> dict[str, int]:
    grades = list(check.findings.values_list("grade", flat=True))
    return {grade: grades.count(grade) for grade in Grade.values}


def report_document(check: LegalCheck) -> VerifiableDocument | None:
    if not check.report_code:
        return None
    return VerifiableDocument.objects.filter(code=check.report_code).first()


def checklist_item_for(user: User, pk: int) -> ChecklistItem:
    if not can_edit_checklist(user):
        raise Http404
    item = ChecklistItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item
