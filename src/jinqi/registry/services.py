"""Writes of the registry: enterprises, facts with history, the materialised profile.

Facts arrive in deliveries (`Delivery`), which never change: the newest delivery that has a key
and year gives its current value, the older ones are its history, and the profile is rebuilt
from the current values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import department_staff
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import StoredFile
from jinqi.core.permissions import has_capability
from jinqi.core.uploads import upload_store
from jinqi.notifications.services import notification_send
from jinqi.registry.importing.reading import IMPORT_FILE_PURPOSE
from jinqi.registry.loading import enterprise_writes_lock
from jinqi.registry.models import (
    CorrectionRequest,
    Delivery,
    DeliveryLayout,
    Enterprise,
    Fact,
    Profile,
    fact_ref,
    fact_ref_parse,
)
from jinqi.registry.permissions import OWN_RECORD, PUSH_FACTS
from jinqi.registry.profile import (
    DELIVERY_ROW,
    current_values,
    delivery_rows,
    enterprise_registration_values,
    profile_rows,
)
from jinqi.registry.tasks import registry_import_upload
from jinqi.registry.uscc import check_uscc
from jinqi.registry.user_links import users_link
from jinqi.registry.values import ValueReadError, coerce
from jinqi.registry.vocabulary import BY_KEY, label

ENTERPRISE_FIELDS = (
    "name",
    "status",
    "established_on",
    "registered_capital",
    "enterprise_type",
    "industry_id",
    "town_id",
    "registered_address",
    "legal_representative",
    "contact_person",
    "contact_phone",
)


@dataclass(frozen=True)
class FactIn:
    key: str
    value: Any
    year: int | None = None


def _validated(fact: FactIn) -> FactIn:
    spec = BY_KEY.get(fact.key)
    if spec is None:
        raise DomainError(_("Unknown field “%(key)s”.") % {"key": fact.key})
    if spec.derived:
        raise DomainError(
            _("“%(key)s” is derived by the registry, not supplied.") % {"key": fact.key}
        )
    if spec.yearly and fact.year is None:
        raise DomainError(_("“%(key)s” is a yearly figure: give its year.") % {"key": fact.key})
    try:
        value = coerce(spec.type, fact.value)
    except ValueReadError as error:
        raise DomainError(
            _("“%(key)s”: %(problem)s") % {"key": fact.key, "problem": error}
        ) from error
    return FactIn(fact.key, value, fact.year if spec.yearly else None)


@transaction.atomic
def facts_record(
    *,
    enterprise: Enterprise,
    facts: Sequence[FactIn],
    source: Department,
    as_of: dt.date,
    acting_user: User,
    refresh: bool = True,
    audit: bool = True,
) -> list[Fact]:
    """Record facts from a department as one delivery. Each becomes the current value of its key
    and year unless a delivery as of a later date has that key and year (then it is history);
    a key and year given twice keeps its last value."""
    clean = [_validated(f) for f in facts]
    values = {fact_ref(f.key, f.year): f.value for f in clean}
    layout = tuple(values)
    delivery = Delivery.objects.create(
        enterprise=enterprise,
        source=source,
        as_of=as_of,
        layout_id=layouts_get_or_create([layout])[layout],
        values=list(values.values()),
        recorded_at=clock.now(),
    )
    later: set[str] = set()
    for refs in Delivery.objects.filter(enterprise=enterprise, as_of__gt=as_of).values_list(
        "layout__refs", flat=True
    ):
        later.update(refs)
    recorded = [
        Fact(delivery, *fact_ref_parse(ref), value, is_current=ref not in later)
        for ref, value in values.items()
    ]
    if audit:
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            target=enterprise,
            after=values,
            note=f"facts from {source.code} as of {as_of.isoformat()}",
        )
    if refresh:
        profiles_refresh([enterprise.pk])
    return recorded


def layouts_get_or_create(layouts: Collection[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """The id of the DeliveryLayout of each of these sequences of fact references, created when
    new (concurrent imports may create the same one: the unique digest settles it)."""
    digests = {refs: hashlib.sha256("\n".join(refs).encode()).hexdigest() for refs in layouts}
    found = dict(
        DeliveryLayout.objects.filter(digest__in=digests.values()).values_list("digest", "id")
    )
    missing = [refs for refs, digest in digests.items() if digest not in found]
    if missing:
        DeliveryLayout.objects.bulk_create(
            [DeliveryLayout(refs=list(refs), digest=digests[refs]) for refs in missing],
            ignore_conflicts=True,
        )
        found.update(
            DeliveryLayout.objects.filter(
                digest__in=[digests[refs] for refs in missing]
            ).values_list("digest", "id")
        )
    return {refs: found[digest] for refs, digest in digests.items()}


@transaction.atomic
def profiles_refresh(enterprise_ids: Sequence[int]) -> int:
    """Rebuild the materialised profiles of these enterprises from their current facts."""
    enterprises = list(Enterprise.objects.filter(pk__in=enterprise_ids).select_related("town"))
    deliveries = delivery_rows(
        Delivery.objects.filter(enterprise_id__in=enterprise_ids).values_list(*DELIVERY_ROW)
    )
    now = clock.now()
    profiles = profile_rows(
        [(enterprise_registration_values(e), current_values(deliveries[e.pk])) for e in enterprises]
    )
    rows = [
        Profile(enterprise=e, refreshed_at=now, **values)
        for e, values in zip(enterprises, profiles, strict=True)
    ]
    Profile.objects.filter(enterprise_id__in=enterprise_ids).delete()
    Profile.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def import_file_queue(
    *, file: UploadedFile, as_of: dt.date | None, acting_user: User
) -> StoredFile:
    """Keep a department's file (type checked by content) and queue its import in the background
    as the uploader's department, once this transaction commits. A file that cannot be imported
    at all (unreadable, wrong columns, no rows) is refused at once and not kept. Sending the same
    file again continues an interrupted import and never imports twice."""
    # registry.importing.batch writes through this module (layouts_get_or_create).
    from jinqi.registry.importing.batch import registry_file_check

    if not has_capability(acting_user, PUSH_FACTS):
        raise PermissionDenied(_("Only department staff can import data."))
    if getattr(acting_user, "department", None) is None:
        raise DomainError(_("Only a department's account can import."))
    stored = upload_store(file=file, purpose_key=IMPORT_FILE_PURPOSE, acting_user=acting_user)
    try:
        registry_file_check(Path(stored.file.path))
    except DomainError:
        stored.file.delete(save=False)  # a refused file is not kept (the row rolls back)
        raise
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=stored,
        after={"file": stored.original_name, "sha256": stored.sha256},
        note="registry import queued" + (f" as of {as_of.isoformat()}" if as_of else ""),
    )
    user_id: int = acting_user.pk
    day = as_of.isoformat() if as_of else None
    transaction.on_commit(lambda: registry_import_upload.enqueue(str(stored.uuid), user_id, day))
    return stored


@transaction.atomic
def enterprise_save(
    *, uscc: str, data: dict[str, Any], acting_user: User, refresh: bool = True
) -> tuple[Enterprise, bool]:
    """Create or update an enterprise's registration record (validated by the caller's form or
    import); the change is audited with old and new values."""
    check = check_uscc(uscc)
    if not check.valid:
        raise DomainError(
            _("Invalid unified social credit code %(code)s: %(why)s")
            % {"code": uscc, "why": "; ".join(check.errors)}
        )
    # While a first load runs without the code's unique constraint, no one else writes here.
    enterprise_writes_lock()
    now = clock.now()
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        enterprise = Enterprise.objects.create(uscc=uscc, created_at=now, updated_at=now, **data)
        users_link(usccs=[uscc])
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            target=enterprise,
            after=snapshot(enterprise, ENTERPRISE_FIELDS),
        )
        created = True
    else:
        before = snapshot(enterprise, ENTERPRISE_FIELDS)
        for name, value in data.items():
            setattr(enterprise, name, value)
        enterprise.updated_at = now
        enterprise.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            target=enterprise,
            before=before,
            after=snapshot(enterprise, ENTERPRISE_FIELDS),
        )
        created = False
    if refresh:
        profiles_refresh([enterprise.pk])
    return enterprise, created


REVEAL_REASON_MAX_LENGTH = 200


def personal_data_read(*, enterprise: Enterprise, acting_user: User, purpose: str) -> None:
    """Every unmasked read of personal data leaves an audit row saying who, when and why; a
    reading with no stated reason, or an overlong one, is refused and nothing is recorded."""
    purpose = purpose.strip()
    if not purpose:
        raise DomainError(_("Say why you need to read the personal data."))
    if len(purpose) > REVEAL_REASON_MAX_LENGTH:
        raise DomainError(
            _("The reason may be at most %(n)s characters.") % {"n": REVEAL_REASON_MAX_LENGTH}
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.READ_PERSONAL_DATA,
        target=enterprise,
        after={"fields": ["legal_representative", "contact_person", "contact_phone"]},
        note=purpose,
    )


CORRECTION_WORKING_DAYS = 5


@transaction.atomic
def correction_request_raise(*, fact: Fact, reason: str, acting_user: User) -> CorrectionRequest:
    """An enterprise flags one of its facts as wrong; the source department must answer within
    CORRECTION_WORKING_DAYS working days."""
    if not has_capability(acting_user, OWN_RECORD) or fact.enterprise.uscc != getattr(
        acting_user, "enterprise_uscc", None
    ):
        raise PermissionDenied(_("Only the enterprise itself can flag its facts."))
    if not reason.strip():
        raise DomainError(_("Say what is wrong and what the right value is."))
    try:
        # The database says "once": the unique constraint over open requests of a fact.
        with transaction.atomic():
            request = CorrectionRequest.objects.create(
                delivery=fact.delivery,
                key=fact.key,
                year=fact.year,
                enterprise=fact.enterprise,
                department=fact.source,
                reason=reason.strip(),
                due_on=add_working_days(clock.today(), CORRECTION_WORKING_DAYS),
                raised_by=acting_user,
                raised_at=clock.now(),
            )
    except IntegrityError:
        raise DomainError(_("This fact already has an open correction request.")) from None
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=request,
        after={"delivery": fact.delivery.pk, "fact": fact.ref, "reason": request.reason},
    )
    notification_send(
        recipients=department_staff(fact.source),
        kind="registry.correction_requested",
        title=_("%(name)s says a fact you supplied is wrong: %(key)s; answer by %(date)s")
        % {
            "name": fact.enterprise.name,
            "key": label(fact.key),
            "date": request.due_on.isoformat(),
        },
        body=request.reason,
        link=reverse("registry:corrections"),
    )
    return request


@transaction.atomic
def correction_request_answer(
    *,
    request: CorrectionRequest,
    corrected: bool,
    answer: str,
    acting_user: User,
    new_value: Any = None,
) -> CorrectionRequest:
    """The source department corrects the fact (recording a new one) or explains why not."""
    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if getattr(acting_user, "department_id", None) != request.department_id:
        raise PermissionDenied(_("Only the department that supplied the fact can answer."))
    if request.state != CorrectionRequest.State.OPEN:
        raise DomainError(_("This correction request was already answered."))
    if not answer.strip():
        raise DomainError(_("Write the answer the enterprise will read."))
    if corrected:
        facts_record(
            enterprise=request.enterprise,
            facts=[FactIn(request.fact.key, new_value, request.fact.year)],
            source=request.department,
            as_of=clock.today(),
            acting_user=acting_user,
        )
    request.state = (
        CorrectionRequest.State.CORRECTED if corrected else CorrectionRequest.State.REJECTED
    )
    request.answer = answer.strip()
    request.answered_at = clock.now()
    request.save(update_fields=["state", "answer", "answered_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=request,
        before={"state": CorrectionRequest.State.OPEN},
        after={"state": request.state, "answer": request.answer},
    )
    notification_send(
        recipients=User.objects.filter(enterprise_uscc=request.enterprise.uscc, is_active=True),
        kind="registry.correction_answered",
        title=_("Your correction request on %(key)s was answered")
        % {"key": label(request.fact.key)},
        body=request.answer,
    )
    return request
