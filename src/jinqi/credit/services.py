"""Every write of the credit app: records arrive (and are told to the enterprise), obligations
are fulfilled, records are repaired or taken down, reorganisations mask and unmask them, the
lead office configures the sampling ratios."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import enterprise_users
from jinqi.accounts.services import system_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit
from jinqi.core.permissions import has_capability
from jinqi.core.uploads import upload_store
from jinqi.credit import permissions
from jinqi.credit.enums import (
    CreditDomain,
    RecordKind,
    RecordStatus,
    ReorganisationKind,
    RiskClass,
    Severity,
)
from jinqi.credit.facts import credit_facts_publish
from jinqi.credit.models import CreditRecord, Reorganisation, SamplingRatio
from jinqi.credit.periods import Periods, RepairDates, repair_dates, rule_for
from jinqi.credit.signals import record_changed
from jinqi.credit.workflow import RECORD_WORKFLOW, REORGANISATION_WORKFLOW
from jinqi.notifications.services import notification_send
from jinqi.registry.models import Enterprise, ImportBatch

RULING_UPLOAD = "credit.ruling"  # a court ruling approving a reorganisation or settlement


@dataclass(frozen=True)
class RecordIn:
    """A record as a department delivers it (texts already through the text boundary)."""

    kind: str
    severity: str
    domain: str
    decision_number: str
    decided_on: dt.date
    summary: str
    legal_basis: str
    fulfilled_on: dt.date | None = None
    # Periods a law sets instead of the rule version's, with that law.
    min_months: int | None = None
    max_months: int | None = None
    period_basis: str = ""


def _checked(data: RecordIn) -> None:
    for value, choices, what in (
        (data.kind, RecordKind, _("kind of record")),
        (data.severity, Severity, _("class")),
        (data.domain, CreditDomain, _("domain")),
    ):
        if value not in choices.values:
            raise DomainError(_("Unknown %(what)s “%(value)s”.") % {"what": what, "value": value})
    if not data.decision_number.strip():
        raise DomainError(_("Give the decision number."))
    if not data.summary.strip() or not data.legal_basis.strip():
        raise DomainError(_("Say what was decided and on which legal basis."))
    if data.decided_on > clock.today():
        raise DomainError(_("The decision date cannot be in the future."))
    if data.fulfilled_on is not None and data.fulfilled_on > clock.today():
        raise DomainError(_("The fulfilment date cannot be in the future."))
    if (data.min_months is None) != (data.max_months is None):
        raise DomainError(_("Give both periods a law sets, or neither."))


def _notify_arrival(record: CreditRecord) -> None:
    """两书同达: the enterprise learns, on the day the record arrives, when it may apply for
    repair and what it needs."""
    if record.status != RecordStatus.PUBLISHED:
        return
    dates = record_dates(record)
    if dates.earliest_repair is not None:
        when = _("You may apply for credit repair from %(day)s.") % {
            "day": dates.earliest_repair.isoformat()
        }
    else:
        when = _(
            "Once you have fulfilled the obligation the decision sets, you may apply for credit "
            "repair from %(day)s at the earliest."
        ) % {"day": record.repairable_from.isoformat()}
    needs = _(
        "You need proof that the obligation is fulfilled and a credit commitment (信用承诺书); "
        "what the deciding department already holds is not asked of you again. Repair is free "
        "of charge. Without repair the record is taken down on %(takedown)s."
    ) % {"takedown": record.takedown_on.isoformat()}
    notification_send(
        recipients=enterprise_users([record.enterprise.uscc]),
        kind="credit.record_arrived",
        title=_("A credit record was published: %(number)s") % {"number": record.decision_number},
        body=f"{when}\n{needs}",
        link=reverse("credit:mine"),
        dedup_key=f"credit.record:{record.pk}",
    )


def record_dates(record: CreditRecord) -> RepairDates:
    """The record's dates recomputed from what it stores (its rule version and periods)."""
    return repair_dates(
        severity=record.severity,
        decided=record.decided_on,
        fulfilled=record.fulfilled_on,
        rule=rule_for(record.decided_on),
        override=Periods(record.min_months, record.max_months),
        override_basis=record.period_basis,
    )


def _reorganisation_in_force(enterprise: Enterprise) -> Reorganisation | None:
    return Reorganisation.objects.filter(enterprise=enterprise, state="in_force").first()


@transaction.atomic
def credit_record_receive(
    *,
    enterprise: Enterprise,
    data: RecordIn,
    department: Department,
    acting_user: User,
    batch: ImportBatch | None = None,
) -> tuple[CreditRecord, bool]:
    """A department's record arrives: its dates are computed under its rule version, the
    enterprise's credit facts are delivered to the registry (the record's provenance) and the
    enterprise is told its repair day. Delivered again, the same decision changes nothing but a
    newly given fulfilment date; returns the record and whether it is new."""
    _checked(data)
    lock_until_commit("credit.record", f"{department.pk}:{data.decision_number}")
    existing = CreditRecord.objects.filter(
        department=department, decision_number=data.decision_number.strip(), kind=data.kind
    ).first()
    if existing is not None:
        if data.fulfilled_on is not None and existing.fulfilled_on != data.fulfilled_on:
            credit_record_fulfil(
                record=existing, fulfilled_on=data.fulfilled_on, acting_user=acting_user
            )
        return existing, False
    rule = rule_for(data.decided_on)
    override = (
        Periods(data.min_months, data.max_months)
        if data.min_months is not None and data.max_months is not None
        else None
    )
    try:
        dates = repair_dates(
            severity=data.severity,
            decided=data.decided_on,
            fulfilled=data.fulfilled_on,
            rule=rule,
            override=override,
            override_basis=data.period_basis,
        )
    except ValueError as error:
        raise DomainError(str(error)) from None
    today = clock.today()
    masking = _reorganisation_in_force(enterprise)
    if dates.takedown <= today:
        status = RecordStatus.TAKEN_DOWN
    elif masking is not None:
        status = RecordStatus.MASKED
    else:
        status = RecordStatus.PUBLISHED
    now = clock.now()
    record = CreditRecord.objects.create(
        enterprise=enterprise,
        kind=data.kind,
        severity=data.severity,
        domain=data.domain,
        decision_number=data.decision_number.strip(),
        decided_on=data.decided_on,
        department=department,
        summary=data.summary.strip(),
        legal_basis=data.legal_basis.strip(),
        published_from=data.decided_on,
        repairable_from=dates.repairable_from,
        takedown_on=dates.takedown,
        min_months=dates.periods.min_months,
        max_months=dates.periods.max_months,
        rule_version=rule.code,
        period_basis=dates.basis,
        obligation_fulfilled=data.fulfilled_on is not None,
        fulfilled_on=data.fulfilled_on,
        status=status,
        masked_by=masking if status == RecordStatus.MASKED else None,
        taken_down_at=now if status == RecordStatus.TAKEN_DOWN else None,
        batch=batch,
        received_at=now,
        updated_at=now,
    )
    record.delivery = credit_facts_publish(
        enterprise=enterprise, source=department, acting_user=acting_user, always=True
    )
    if status == RecordStatus.PUBLISHED:
        _notify_arrival(record)
        record.notice_sent_at = clock.now()
    record.save(update_fields=["delivery", "notice_sent_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=record,
        after={
            "decision_number": record.decision_number,
            "severity": record.severity,
            "repairable_from": record.repairable_from.isoformat(),
            "takedown_on": record.takedown_on.isoformat(),
            "rule_version": record.rule_version,
        },
    )
    record_changed.send(sender=CreditRecord, record=record, change="arrived")
    return record, True


def credit_record_deliver(
    *, uscc: str, data: RecordIn, acting_user: User
) -> tuple[CreditRecord, bool]:
    """A department's staff or system delivers one of its records (page or API), as the
    deciding department."""
    if (
        not has_capability(acting_user, permissions.DELIVER_RECORDS)
        or acting_user.department is None
    ):
        raise PermissionDenied(_("Only a department delivers its records."))
    enterprise = Enterprise.objects.filter(uscc=uscc.strip().upper()).first()
    if enterprise is None:
        raise DomainError(_("No enterprise in the registry has this credit code."))
    return credit_record_receive(
        enterprise=enterprise, data=data, department=acting_user.department, acting_user=acting_user
    )


@transaction.atomic
def credit_record_fulfil(
    *, record: CreditRecord, fulfilled_on: dt.date, acting_user: User
) -> CreditRecord:
    """The deciding department says the obligation is fulfilled (on `fulfilled_on`)."""
    if fulfilled_on < record.decided_on:
        raise DomainError(_("The obligation cannot be fulfilled before the decision date."))
    if fulfilled_on > clock.today():
        raise DomainError(_("The fulfilment date cannot be in the future."))
    before = {"fulfilled_on": record.fulfilled_on.isoformat() if record.fulfilled_on else None}
    CreditRecord.objects.filter(pk=record.pk).update(
        obligation_fulfilled=True, fulfilled_on=fulfilled_on, updated_at=clock.now()
    )
    record.refresh_from_db()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=record,
        before=before,
        after={"fulfilled_on": fulfilled_on.isoformat()},
    )
    record_changed.send(sender=CreditRecord, record=record, change="fulfilled")
    return record


def _record_step(record: CreditRecord, action: str, acting_user: User, **changes: object) -> None:
    RECORD_WORKFLOW.apply(
        record,
        action,
        lock_version=record.lock_version,
        acting_user=acting_user,
        authorized=True,
        changes={**changes, "updated_at": clock.now()},
    )


@transaction.atomic
def credit_record_repaired(
    *, record: CreditRecord, repaired_on: dt.date, acting_user: User
) -> CreditRecord:
    """An approved repair marks the record 已修复 and the enterprise's credit facts follow
    (called by the repair workflow's approval; authorized there)."""
    _record_step(record, "repair", acting_user, repaired_on=repaired_on)
    _facts_follow([record], acting_user)
    return record


def credit_records_take_down(*, today: dt.date | None = None) -> int:
    """The daily job: every record at the end of its maximum period is taken down without any
    application, and the enterprises' credit facts follow. Returns how many."""
    today = today or clock.today()
    actor = system_user()
    done = 0
    due = CreditRecord.objects.filter(
        status__in=[RecordStatus.PUBLISHED, RecordStatus.MASKED], takedown_on__lte=today
    ).select_related("enterprise", "department")
    for record in due.iterator():
        with transaction.atomic():
            _record_step(record, "take_down", actor, taken_down_at=clock.now())
            _facts_follow([record], actor)
        done += 1
    return done


# Reorganisation (重整/和解) ----------------------------------------------------------------------


@transaction.atomic
def reorganisation_register(
    *,
    enterprise: Enterprise,
    kind: str,
    court: str,
    ruling_number: str,
    ruled_on: dt.date,
    ruling: UploadedFile | None,
    acting_user: User,
) -> Reorganisation:
    """A court ruling approving a reorganisation plan or settlement goes on file: the
    enterprise's records in force are masked and credit gates stop holding it."""
    if not has_capability(acting_user, permissions.MANAGE_REORGANISATIONS):
        raise PermissionDenied(_("Only the lead office puts a court ruling on file."))
    if kind not in ReorganisationKind.values:
        raise DomainError(_("Choose reorganisation or settlement."))
    if not court.strip() or not ruling_number.strip():
        raise DomainError(_("Give the court and the ruling number."))
    if ruled_on > clock.today():
        raise DomainError(_("The ruling date cannot be in the future."))
    lock_until_commit("credit.reorganisation", enterprise.pk)
    if _reorganisation_in_force(enterprise) is not None:
        raise DomainError(_("A reorganisation of this enterprise is already on file."))
    stored = (
        upload_store(file=ruling, purpose_key=RULING_UPLOAD, acting_user=acting_user)
        if ruling is not None
        else None
    )
    try:
        with transaction.atomic():
            reorganisation = Reorganisation.objects.create(
                enterprise=enterprise,
                kind=kind,
                court=court.strip(),
                ruling_number=ruling_number.strip(),
                ruled_on=ruled_on,
                ruling=stored,
                registered_by=acting_user,
                registered_at=clock.now(),
            )
    except IntegrityError:
        raise DomainError(_("A reorganisation of this enterprise is already on file.")) from None
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=reorganisation,
        after={"ruling_number": reorganisation.ruling_number, "kind": kind},
    )
    masked = list(CreditRecord.objects.filter(enterprise=enterprise, status=RecordStatus.PUBLISHED))
    for record in masked:
        _record_step(record, "mask", acting_user, masked_by=reorganisation)
    _facts_follow(masked, acting_user)
    return reorganisation


def _facts_follow(changed: list[CreditRecord], acting_user: User) -> None:
    """Deliver the credit facts again after `changed` records of one enterprise changed status,
    from the department of one of them (nothing changed, nothing to deliver)."""
    if changed:
        credit_facts_publish(
            enterprise=changed[0].enterprise, source=changed[0].department, acting_user=acting_user
        )


@transaction.atomic
def reorganisation_close(
    *,
    reorganisation: Reorganisation,
    action: str,
    lock_version: int,
    acting_user: User,
    closed_on: dt.date,
    note: str = "",
) -> Reorganisation:
    """The plan is performed (`complete`) or ended (`end`): the masked records are assessed
    again — published, or taken down if their maximum period has run out meanwhile."""
    if closed_on > clock.today() or closed_on < reorganisation.ruled_on:
        raise DomainError(_("The closing date must lie between the ruling and today."))
    REORGANISATION_WORKFLOW.apply(
        reorganisation,
        action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=note,
        changes={"closed_on": closed_on, "closing_note": note.strip()},
    )
    today = clock.today()
    masked = list(CreditRecord.objects.filter(masked_by=reorganisation, status=RecordStatus.MASKED))
    for record in masked:
        if record.takedown_on <= today:
            _record_step(record, "take_down", acting_user, taken_down_at=clock.now())
        else:
            _record_step(record, "unmask", acting_user)
    _facts_follow(masked, acting_user)
    return reorganisation


# Configuration ---------------------------------------------------------------------------------


@transaction.atomic
def sampling_ratios_set(
    *,
    percents: Mapping[str, Decimal],
    visits: Mapping[str, Decimal | None],
    acting_user: User,
) -> list[SamplingRatio]:
    """The lead office sets the sampling ratio of every risk class: above zero for A, never
    lower for a riskier class, at most 100 %."""
    if not has_capability(acting_user, permissions.CONFIGURE):
        raise PermissionDenied(_("Only the lead office sets the sampling ratios."))
    order = list(RiskClass.values)
    if set(percents) != set(order):
        raise DomainError(_("Give a ratio for each of the classes A, B, C and D."))
    if not percents["A"] > 0:
        raise DomainError(_("Class A must be sampled too: its ratio must be above zero."))
    for lower, higher in itertools.pairwise(order):
        if percents[higher] < percents[lower]:
            raise DomainError(
                _("The ratio of class %(higher)s may not be lower than that of class %(lower)s.")
                % {"higher": higher, "lower": lower}
            )
    if any(p > 100 for p in percents.values()):
        raise DomainError(_("A ratio cannot exceed 100 %."))
    if any(v is not None and v < 0 for v in visits.values()):
        raise DomainError(_("Visits a year cannot be negative."))
    saved = []
    for risk_class in order:
        ratio, _created = SamplingRatio.objects.get_or_create(
            risk_class=risk_class, defaults={"percent": percents[risk_class]}
        )
        before = {"percent": str(ratio.percent), "visits": str(ratio.visits_per_year)}
        ratio.percent = percents[risk_class]
        ratio.visits_per_year = visits.get(risk_class)
        ratio.basis = _("Set by the lead office")
        ratio.updated_by = acting_user
        ratio.updated_at = clock.now()
        ratio.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            target=ratio,
            before=before,
            after={"percent": str(ratio.percent), "visits": str(ratio.visits_per_year)},
        )
        saved.append(ratio)
    return saved
