"""Credit repair (信用修复): what an enterprise needs to apply, the application and the department's
steps through `credit.workflow`, the deadlines on the working-day calendar, and what an approval
does to the record and to everything that depends on it. Reads for the pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.core import clock
from jinqi.core.calendar import add_working_days, working_days_between
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit
from jinqi.core.uploads import upload_store
from jinqi.credit.enums import RecordStatus, RepairState
from jinqi.credit.models import OPEN_REPAIR_STATES, CreditRecord, RepairApplication, RepairMaterial
from jinqi.credit.repair_permissions import is_deciding_department, is_own_enterprise
from jinqi.credit.repair_workflow import REPAIR_WORKFLOW
from jinqi.credit.services import credit_record_repaired

MATERIAL_PURPOSE = "credit.repair_material"
ACCEPT_WITHIN = 3  # working days to decide whether to accept (国办发〔2025〕22号)
DECIDE_WITHIN = 10  # working days from acceptance to the decision
MAX_EXTENSION = 10  # working days one extension may add

COMMITMENT = "commitment"  # 信用承诺书, always from the enterprise
FULFILMENT = "fulfilment"  # proof the obligation is fulfilled, unless the department holds it


@dataclass(frozen=True)
class Material:
    key: str
    label: str
    held: str  # what the department already holds instead (then nothing is asked), or ""


def repair_materials(record: CreditRecord) -> list[Material]:
    """What an application for `record` needs: a credit commitment, and proof that the obligation
    is fulfilled unless the deciding department already recorded the fulfilment (then it is
    fetched, not asked for)."""
    held = ""
    if record.obligation_fulfilled:
        held = _("%(department)s recorded the fulfilment on %(date)s.") % {
            "department": record.department.name,
            "date": record.fulfilled_on.isoformat() if record.fulfilled_on else "—",
        }
    return [
        Material(COMMITMENT, _("Credit commitment letter (信用承诺书)"), ""),
        Material(FULFILMENT, _("Proof that the legal obligation is fulfilled"), held),
    ]


def repair_refusal(record: CreditRecord, today: dt.date | None = None) -> str | None:
    """Why `record` cannot be repaired now, or None."""
    today = today or clock.today()
    if record.status != RecordStatus.PUBLISHED:
        return _("Only a published record can be repaired; this one is “%(status)s”.") % {
            "status": record.get_status_display()
        }
    if today < record.repairable_from:
        return _("Repair can be requested from %(date)s.") % {
            "date": record.repairable_from.isoformat()
        }
    if record.repairs.filter(state__in=OPEN_REPAIR_STATES).exists():
        return _("A repair application for this record is already being handled.")
    return None


def repair_apply(
    *,
    record: CreditRecord,
    statement: str,
    materials: Mapping[str, UploadedFile],
    acting_user: User,
) -> RepairApplication:
    """The enterprise applies to repair its record: refused, with nothing stored, when the record
    is not its own, not repairable yet, already being repaired, or a material is missing."""
    if not is_own_enterprise(acting_user, record.enterprise.uscc):
        raise PermissionDenied(_("Only the enterprise itself can do this."))
    if not statement.strip():
        raise DomainError(_("Say what was corrected."))
    missing = [m.label for m in repair_materials(record) if not m.held and m.key not in materials]
    if missing:
        raise DomainError(_("Attach: %(materials)s.") % {"materials": "、".join(missing)})
    with transaction.atomic():
        lock_until_commit("credit.repair", record.pk)
        refusal = repair_refusal(record)
        if refusal:
            raise DomainError(refusal)
        stored = {
            key: upload_store(file=file, purpose_key=MATERIAL_PURPOSE, acting_user=acting_user)
            for key, file in materials.items()
        }
        today = clock.today()
        try:
            with transaction.atomic():
                application = RepairApplication.objects.create(
                    record=record,
                    enterprise=record.enterprise,
                    department=record.department,
                    statement=statement.strip(),
                    applied_by=acting_user,
                    applied_at=clock.now(),
                    accept_due=add_working_days(today, ACCEPT_WITHIN),
                )
        except IntegrityError as error:  # another application won the race
            raise DomainError(
                _("A repair application for this record is already being handled.")
            ) from error
        labels = {m.key: m.label for m in repair_materials(record)}
        for key, file in stored.items():
            RepairMaterial.objects.create(application=application, file=file, label=labels[key])
        REPAIR_WORKFLOW.started(application, "apply", acting_user=acting_user, text=statement)
    return application


def repair_transition(
    *,
    application: RepairApplication,
    action: str,
    lock_version: int,
    acting_user: User,
    text: str = "",
    extension_days: int = MAX_EXTENSION,
) -> RepairApplication:
    """The department accepts, refuses to accept, extends, approves or refuses; the enterprise
    withdraws. An approval repairs the record and re-evaluates what depends on it."""
    today = clock.today()
    changes: dict[str, Any] = {}
    if action == "accept":
        changes = {"accepted_on": today, "decide_due": add_working_days(today, DECIDE_WITHIN)}
    elif action == "extend":
        if not 1 <= extension_days <= MAX_EXTENSION:
            raise DomainError(
                _("An extension is 1 to %(days)s working days.") % {"days": MAX_EXTENSION}
            )
        due = application.decide_due or today
        changes = {
            "decide_due": add_working_days(due, extension_days),
            "extension_reason": text.strip(),
        }
    elif action in ("approve", "reject", "not_accept"):
        changes = {"decided_at": clock.now(), "decision_text": text.strip()}
    with transaction.atomic():
        step = REPAIR_WORKFLOW.apply(
            application,
            action,
            lock_version=lock_version,
            acting_user=acting_user,
            text=text,
            changes=changes,
        )
        if action == "approve":
            # The record is 已修复 wherever it appears: its status, the credit facts (and through
            # them matches and gates), and the reports that listed it (revoked on its signal).
            credit_record_repaired(
                record=step.record.record, repaired_on=today, acting_user=acting_user
            )
    return step.record


# -- reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    days_left: int  # working days after today up to the due day; negative when overdue


def deadline(application: RepairApplication) -> Deadline | None:
    """The next deadline of an open application: acceptance, then the decision."""
    if application.state == RepairState.SUBMITTED:
        due = application.accept_due
    elif application.state == RepairState.ACCEPTED and application.decide_due:
        due = application.decide_due
    else:
        return None
    return Deadline(due, working_days_between(clock.today(), due))


def repair_queue(user: Any) -> QuerySet[RepairApplication]:
    """The open applications for the user's department, oldest first."""
    department_id = getattr(user, "department_id", None)
    if department_id is None or not is_deciding_department(user, department_id):
        return RepairApplication.objects.none()
    return (
        RepairApplication.objects.filter(department_id=department_id, state__in=OPEN_REPAIR_STATES)
        .select_related("record", "enterprise")
        .order_by("applied_at", "pk")
    )


def repairs_visible_to(user: Any) -> QuerySet[RepairApplication]:
    """An enterprise's own applications; a department's for its records; nothing for others."""
    everything = RepairApplication.objects.select_related("record", "enterprise", "department")
    department_id = getattr(user, "department_id", None)
    if department_id is not None and is_deciding_department(user, department_id):
        return everything.filter(department_id=department_id)
    uscc = getattr(user, "enterprise_uscc", "")
    if uscc and is_own_enterprise(user, uscc):
        return everything.filter(enterprise__uscc=uscc)
    return everything.none()


def repair_for(user: User, pk: int) -> RepairApplication:
    application = repairs_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def records_of(user: User) -> QuerySet[CreditRecord]:
    """The user's enterprise's records, whatever their status."""
    uscc = getattr(user, "enterprise_uscc", "")
    if not uscc or not is_own_enterprise(user, uscc):
        return CreditRecord.objects.none()
    return CreditRecord.objects.filter(enterprise__uscc=uscc).select_related("department")


def record_of(user: User, pk: int) -> CreditRecord:
    record = records_of(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def material_download_allowed(user: User, stored: Any) -> bool:
    """The upload component's rule for repair materials: whoever may see the application."""
    return RepairMaterial.objects.filter(
        application__in=repairs_visible_to(user), file=stored
    ).exists()
