"""Every write of the legal health check: the checklist, a check's steps, its findings,
rectification items and the return visit. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.documents import document_issue
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.legalcheck.enums import CheckState, Grade, RectificationResult, Section
from jinqi.legalcheck.models import ChecklistItem, Finding, LegalCheck, Rectification
from jinqi.legalcheck.permissions import can_edit_checklist, is_own_enterprise, law_firm_of
from jinqi.legalcheck.prefill import known_answers
from jinqi.legalcheck.report import KIND, VALID_DAYS, report_content
from jinqi.legalcheck.workflow import LEGAL_CHECK_WORKFLOW, acts_for_provider
from jinqi.registry.models import Enterprise

MAX_WORKING_DAYS = 120  # about half a year: longer is not a rectification but a project


@dataclass(frozen=True)
class ItemData:
    section: str
    number: int
    question: str
    guidance: str = ""
    basis: str = ""
    prefill: str = ""
    active: bool = True


def checklist_item_save(
    *, item: ChecklistItem | None, data: ItemData, acting_user: User
) -> ChecklistItem:
    """Add an item to the checklist or change one (the 区司法局 only). An item that checks have
    answered stays, so that their reports keep their words: retire it with `active`."""
    if not can_edit_checklist(acting_user):
        raise PermissionDenied(_("Only the district Bureau of Justice edits the checklist."))
    if data.section not in Section.values:
        raise DomainError(_("Choose one of the nine sections."))
    if not data.question.strip():
        raise DomainError(_("Write the question."))
    before = (
        {"question": item.question, "section": item.section, "active": item.active} if item else {}
    )
    target = item or ChecklistItem()
    for field, value in vars(data).items():
        setattr(target, field, value.strip() if isinstance(value, str) else value)
    target.updated_by = acting_user
    target.updated_at = clock.now()
    try:
        with transaction.atomic():
            target.save()
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE if item else AuditAction.CREATE,
                target=target,
                before=before,
                after={
                    "question": target.question,
                    "section": target.section,
                    "active": target.active,
                },
            )
    except IntegrityError:
        raise DomainError(_("This section has an item with this number already.")) from None
    return target


def legal_check_request(*, enterprise: Enterprise, topics: str, acting_user: User) -> LegalCheck:
    """The enterprise asks for a check; refused while one of its checks is open (the database
    says so, ADR 0010)."""
    if not is_own_enterprise(acting_user, enterprise.uscc):
        raise PermissionDenied(_("Only the enterprise itself can do this."))
    try:
        with transaction.atomic():
            check = LegalCheck.objects.create(
                enterprise=enterprise,
                topics=topics.strip(),
                requested_by=acting_user,
                requested_at=clock.now(),
                state=CheckState.REQUESTED,
            )
            LEGAL_CHECK_WORKFLOW.started(check, "request", acting_user=acting_user, text=topics)
    except IntegrityError:
        raise DomainError(
            _("Your enterprise has a legal health check under way; follow it on its page.")
        ) from None
    return check


def legal_check_withdraw(*, check: LegalCheck, lock_version: int, acting_user: User) -> LegalCheck:
    LEGAL_CHECK_WORKFLOW.apply(
        check, "withdraw", lock_version=lock_version, acting_user=acting_user
    )
    return check


def legal_check_accept(*, check: LegalCheck, lock_version: int, acting_user: User) -> LegalCheck:
    """A provider takes the check; the items the platform knows are prefilled and cited."""
    firm = law_firm_of(acting_user)
    department = None if firm else acting_user.department
    with transaction.atomic():
        LEGAL_CHECK_WORKFLOW.apply(
            check,
            "accept",
            lock_version=lock_version,
            acting_user=acting_user,
            changes={
                "provider": acting_user,
                "provider_department": department,
                "provider_organisation": firm,
                "provider_name": firm.name if firm else department.name if department else "",
            },
        )
        _prefill(check)
    return check


def _prefill(check: LegalCheck) -> None:
    known = known_answers(check.enterprise)
    for item in ChecklistItem.objects.active().exclude(prefill=""):
        answer = known.get(item.prefill)
        if answer is None:
            continue
        Finding.objects.update_or_create(
            legal_check=check,
            item=item,
            defaults={
                "grade": answer.grade,
                "observation": answer.observation,
                "advice": answer.advice,
                "source": answer.source,
                "as_of": answer.as_of,
                "prefilled": True,
            },
        )


@dataclass(frozen=True)
class Answer:
    grade: str
    observation: str
    advice: str = ""


def _provider_step(check: LegalCheck, user: User, state: str) -> None:
    if not acts_for_provider(user, check):
        raise PermissionDenied(_("Only the provider that took this check can do this."))
    if check.state != state:
        raise DomainError(
            _("It is “%(state)s” now: this is no longer possible.")
            % {"state": CheckState(check.state).label}
        )


def findings_save(
    *, check: LegalCheck, answers: Mapping[int, Answer], acting_user: User
) -> list[Finding]:
    """Record the answers given at the visit (item id → answer). A risk (red or amber) needs
    advice; a prefilled answer that is changed is no longer the platform's, and says so."""
    _provider_step(check, acting_user, CheckState.IN_PROGRESS)
    items = ChecklistItem.objects.active().in_bulk(list(answers))
    if len(items) != len(answers):
        raise DomainError(_("An item is not on the checklist."))
    saved = []
    with transaction.atomic():
        for item_id, answer in answers.items():
            if answer.grade not in Grade.values:
                raise DomainError(_("Grade each risk red, amber or green."))
            if not answer.observation.strip():
                raise DomainError(
                    _("Write what was found for “%(item)s”.") % {"item": items[item_id].question}
                )
            if answer.grade != Grade.GREEN and not answer.advice.strip():
                raise DomainError(
                    _("Give advice for the risk “%(item)s”.") % {"item": items[item_id].question}
                )
            finding = Finding.objects.filter(legal_check=check, item_id=item_id).first()
            unchanged = finding is not None and (
                finding.grade,
                finding.observation,
                finding.advice,
            ) == (answer.grade, answer.observation.strip(), answer.advice.strip())
            if unchanged:
                continue
            finding, _created = Finding.objects.update_or_create(
                legal_check=check,
                item_id=item_id,
                defaults={
                    "grade": answer.grade,
                    "observation": answer.observation.strip(),
                    "advice": answer.advice.strip(),
                    "source": "",
                    "as_of": None,
                    "prefilled": False,
                },
            )
            saved.append(finding)
        if saved:
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                target=check,
                after={"findings": {f.item_id: f.grade for f in saved}},
            )
    return saved


def rectification_add(
    *, check: LegalCheck, finding: Finding, action: str, working_days: int, acting_user: User
) -> Rectification:
    """Agree a rectification of a risk with a deadline in working days from today (the
    platform's calendar, 调休 included); it goes into the report."""
    _provider_step(check, acting_user, CheckState.IN_PROGRESS)
    if finding.legal_check_id != check.pk or finding.grade == Grade.GREEN:
        raise DomainError(_("Rectification is agreed for a red or amber risk of this check."))
    if not action.strip():
        raise DomainError(_("Write what is to be done."))
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise DomainError(_("Allow from 1 to %(max)s working days.") % {"max": MAX_WORKING_DAYS})
    with transaction.atomic():
        rectification = Rectification.objects.create(
            legal_check=check,
            finding=finding,
            action=action.strip(),
            working_days=working_days,
            due_on=add_working_days(clock.today(), working_days),
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            target=rectification,
            after={"due_on": rectification.due_on.isoformat(), "action": rectification.action},
        )
    return rectification


def legal_check_report(*, check: LegalCheck, lock_version: int, acting_user: User) -> LegalCheck:
    """Issue the verifiable report (PDF with QR code, to print and sign) once every item is
    answered; the check then waits for the rectifications and the return visit."""
    today = clock.today()
    with transaction.atomic(), translation.override("zh-hans"):
        LEGAL_CHECK_WORKFLOW.check(check, "report", acting_user)
        document = document_issue(
            kind=KIND,
            content=report_content(check, today),
            valid_until=today + dt.timedelta(days=VALID_DAYS),
            acting_user=acting_user,
        )
        LEGAL_CHECK_WORKFLOW.apply(
            check,
            "report",
            lock_version=lock_version,
            acting_user=acting_user,
            changes={"report_code": document.code, "reported_at": document.issued_at},
        )
    return check


@dataclass(frozen=True)
class VisitResult:
    result: str
    note: str = ""


def return_visit(
    *,
    check: LegalCheck,
    lock_version: int,
    results: Mapping[int, VisitResult],
    note: str,
    acting_user: User,
) -> LegalCheck:
    """The return visit: the result of every rectification item, then the check is closed."""
    _provider_step(check, acting_user, CheckState.REPORTED)
    open_items = {r.pk: r for r in check.rectifications.all()}
    if set(results) != set(open_items):
        raise DomainError(_("Record the result of every rectification item at the return visit."))
    if any(
        r.result not in (RectificationResult.DONE, RectificationResult.NOT_DONE)
        for r in results.values()
    ):
        raise DomainError(_("Say for each item whether it was done."))
    if not note.strip():
        raise DomainError(_("Write what the return visit found."))
    today = clock.today()
    with transaction.atomic():
        for pk, visit in results.items():
            Rectification.objects.filter(pk=pk).update(
                result=visit.result, result_note=visit.note.strip(), checked_on=today
            )
        LEGAL_CHECK_WORKFLOW.apply(
            check,
            "close",
            lock_version=lock_version,
            acting_user=acting_user,
            text=note,
            changes={"visit_note": note.strip(), "closed_at": clock.now()},
        )
    return check
