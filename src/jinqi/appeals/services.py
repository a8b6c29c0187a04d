"""Writes for appeals: filing, the department's answers, the enterprise's confirmation, the lead
office's supervision, the routing table and the periodic jobs (escalation, follow-up).

Every function is atomic, checks who is acting, and writes its audit rows and notices in the same
transaction. State changes go through `appeal_transition` only: it enforces the declared workflow
(`workflow.MOVES`) and optimistic locking (the caller passes the `lock_version` it saw).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department
from jinqi.accounts.selectors import department_staff, enterprise_users, lead_office_users
from jinqi.accounts.services import system_user
from jinqi.appeals import workflow
from jinqi.appeals.enums import AppealKind, AppealState, Contact, Overdue, Side
from jinqi.appeals.models import Appeal, Attachment, Category, DeadlineRegime, Entry
from jinqi.appeals.permissions import SUPERVISE, is_filer, is_handler
from jinqi.appeals.selectors import possible_duplicates
from jinqi.appeals.workflow import Action, Actor
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.calendar import add_working_days, working_days_between
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit, update_unless_changed
from jinqi.core.permissions import has_capability
from jinqi.core.uploads import upload_store
from jinqi.notifications.services import notification_send, sms_send
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of

S = AppealState
ATTACHMENT_PURPOSE = "appeals.attachment"
MAX_TEXT = 5000  # characters of an appeal, an answer, a reason or a comment
MAX_TITLE = 100
MAX_FILES = 5  # attachments per entry
FOLLOW_UP_AFTER = dt.timedelta(weeks=4)
FOREIGN_KEYS = frozenset({"department", "category", "regime", "merged_into"})
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


# -- checks ------------------------------------------------------------------------------------


def _text(value: str, *, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    """The text stripped, or a refusal naming `what` and the limit (nothing is stored)."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Write the %(what)s.") % {"what": what})
    if len(value) > limit:
        raise DomainError(
            _(
                "The %(what)s is %(length)s characters long; at most %(limit)s are allowed. "
                "Shorten it, or put the details in an attachment."
            )
            % {"what": what, "length": len(value), "limit": limit}
        )
    return value


def _contact(channel: str, value: str) -> str:
    value = (value or "").strip()
    if channel not in Contact.values:
        raise DomainError(_("Choose how you want to be contacted."))
    if channel == Contact.INBOX:
        return ""
    if channel == Contact.PHONE and not PHONE.match(value):
        raise DomainError(_("Give a phone number to be called on (digits only)."))
    if channel == Contact.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError(_("Give a valid e-mail address.")) from None
    return value[:100]


def _files(files: Sequence[UploadedFile] | None) -> list[UploadedFile]:
    chosen = [f for f in files or () if f]
    if len(chosen) > MAX_FILES:
        raise DomainError(_("Attach at most %(n)s files at a time.") % {"n": MAX_FILES})
    return chosen


def _enterprise_of(user: Any) -> Enterprise:
    enterprise = enterprise_of(user)
    if enterprise is None:
        raise PermissionDenied(_("Only an enterprise with a registry record can file an appeal."))
    return enterprise


# -- filing ------------------------------------------------------------------------------------


class DuplicateAppealError(ConflictError):
    """The enterprise filed something very like this recently; `duplicates` are those appeals
    with their similarity, most alike first. Filing again with `file_anyway` goes through."""

    code = "duplicate"

    def __init__(self, duplicates: list[tuple[Appeal, float]]) -> None:
        super().__init__(
            _(
                "You filed something very similar recently. If it is the same matter, add to "
                "that appeal instead; if it is a different matter, file it anyway."
            ),
            details=[appeal.reference for appeal, _score in duplicates],
        )
        self.duplicates = duplicates


@dataclass(frozen=True)
class AppealData:
    kind: str
    category: Category
    title: str
    text: str
    contact_channel: str = Contact.INBOX
    contact_value: str = ""


def _deadlines(regime: DeadlineRegime, start: dt.date, *, is_complex: bool) -> dict[str, Any]:
    days = regime.complex_days if is_complex and regime.complex_days else regime.resolution_days
    return {
        "assigned_on": start,
        "response_due": add_working_days(start, regime.response_days),
        "resolution_due": add_working_days(start, days),
    }


@transaction.atomic
def appeal_file(
    *,
    data: AppealData,
    acting_user: Any,
    files: Sequence[UploadedFile] | None = None,
    file_anyway: bool = False,
) -> Appeal:
    """File a request or a question; it goes to the department the routing table names for its
    category, with the category's time limits counted in working days from today.

    Unless `file_anyway`, an appeal very like one the enterprise filed recently is refused with
    DuplicateAppealError. The look for it runs under the enterprise's filing lock, so of the same
    appeal sent many times at once exactly one is filed (docs/adr/0010-create-once.md)."""
    enterprise = _enterprise_of(acting_user)
    if data.kind not in AppealKind.values:
        raise DomainError(_("Choose whether this is a request or a question."))
    if not data.category.is_active:
        raise DomainError(_("Choose a category."))
    title = _text(data.title, what=_("title"), limit=MAX_TITLE)
    text = _text(data.text, what=_("description"))
    contact_value = _contact(data.contact_channel, data.contact_value)
    chosen = _files(files)
    lock_until_commit("appeals.file", enterprise.pk)
    if not file_anyway:
        duplicates = possible_duplicates(
            enterprise=enterprise, category=data.category, title=title, text=text
        )
        if duplicates:
            raise DuplicateAppealError(duplicates)
    now = clock.now()
    category = data.category
    appeal = Appeal.objects.create(
        reference=uuid.uuid4().hex[:20],
        kind=data.kind,
        category=category,
        department=category.department,
        regime=category.regime,
        enterprise=enterprise,
        filed_by=acting_user,
        title=title,
        text=text,
        contact_channel=data.contact_channel,
        contact_value=contact_value,
        filed_at=now,
        updated_at=now,
        **_deadlines(category.regime, clock.today(), is_complex=False),
    )
    appeal.reference = f"AP{now:%Y}-{appeal.pk:06d}"
    appeal.save(update_fields=["reference"])
    entry = Entry.objects.create(
        appeal=appeal,
        action="file",
        side=Side.ENTERPRISE,
        to_state=S.SUBMITTED,
        department=appeal.department,
        actor=acting_user,
        text=text,
        at=now,
    )
    _attach(appeal, entry, chosen, acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=appeal,
        after=snapshot(appeal, ["reference", "kind", "category_id", "department_id", "title"]),
    )
    notification_send(
        recipients=department_staff(appeal.department),
        kind="appeals.new",
        title=_("New appeal %(ref)s: %(title)s") % {"ref": appeal.reference, "title": title},
        body=_("First response due by %(day)s.") % {"day": appeal.response_due.isoformat()},
        link=reverse("appeals:handle", args=[appeal.reference]),
    )
    return appeal


def _attach(
    appeal: Appeal, entry: Entry, files: Iterable[UploadedFile], acting_user: Any
) -> list[Attachment]:
    attached = []
    for file in files:
        stored = upload_store(file=file, purpose_key=ATTACHMENT_PURPOSE, acting_user=acting_user)
        attached.append(Attachment.objects.create(appeal=appeal, entry=entry, file=stored))
    return attached


# -- the department's side ---------------------------------------------------------------------


@transaction.atomic
def appeal_respond(
    *, appeal: Appeal, lock_version: int, text: str, acting_user: Any, is_complex: bool = False
) -> Appeal:
    """The first response (联系、答复): the department has taken the matter up. A complex case
    gets the regime's longer resolution limit, if it has one."""
    changes: dict[str, Any] = {}
    if is_complex and appeal.regime.complex_days:
        changes = {
            "is_complex": True,
            "resolution_due": add_working_days(appeal.assigned_on, appeal.regime.complex_days),
        }
    return appeal_transition(
        appeal=appeal,
        action=Action.RESPOND,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes=changes,
    )


@transaction.atomic
def appeal_ask_info(*, appeal: Appeal, lock_version: int, text: str, acting_user: Any) -> Appeal:
    """Ask the enterprise for more: the resolution clock stops until it answers."""
    return appeal_transition(
        appeal=appeal,
        action=Action.ASK_INFO,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes={"info_requested_on": clock.today()},
    )


@transaction.atomic
def appeal_supply_info(
    *,
    appeal: Appeal,
    lock_version: int,
    text: str,
    acting_user: Any,
    files: Sequence[UploadedFile] | None = None,
) -> Appeal:
    """The enterprise answers; back to the department, whose resolution deadline moves by the
    working days the enterprise took (time waiting for the enterprise does not count)."""
    asked = appeal.info_requested_on or clock.today()
    waited = max(0, working_days_between(asked, clock.today()))
    return appeal_transition(
        appeal=appeal,
        action=Action.SUPPLY_INFO,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        files=files,
        changes={
            "info_requested_on": None,
            "resolution_due": add_working_days(appeal.resolution_due, waited),
        },
    )


def _handover(appeal: Appeal, department: Department, category: Category | None) -> dict[str, Any]:
    """A new department takes the appeal: both limits start again from today, under the regime
    of the appeal's category (the new one, if the category was corrected)."""
    if department.kind == "group":
        raise DomainError(_("Choose one department, not a group of units."))
    if department.pk == appeal.department_id:
        raise DomainError(_("The appeal is already with %(dept)s.") % {"dept": department.name})
    category = category or appeal.category
    return {
        "department": department,
        "category": category,
        "regime": category.regime,
        "is_complex": False,
        "responded_on": None,
        "escalated_at": None,
        "escalated_for": "",
        "transfer_count": F("transfer_count") + 1,
        **_deadlines(category.regime, clock.today(), is_complex=False),
    }


@transaction.atomic
def appeal_transfer(
    *,
    appeal: Appeal,
    lock_version: int,
    department: Department,
    reason: str,
    acting_user: Any,
    category: Category | None = None,
) -> Appeal:
    """Not ours: to another department, with the reason (the enterprise is told). The lead
    office does the same with `action=Action.REASSIGN` (see `appeal_reassign`)."""
    return _hand_over(
        Action.TRANSFER, appeal, lock_version, department, reason, acting_user, category
    )


@transaction.atomic
def appeal_reassign(
    *,
    appeal: Appeal,
    lock_version: int,
    department: Department,
    reason: str,
    acting_user: Any,
    category: Category | None = None,
) -> Appeal:
    """The lead office gives an appeal (typically an escalated one) to another department."""
    return _hand_over(
        Action.REASSIGN, appeal, lock_version, department, reason, acting_user, category
    )


def _hand_over(
    action: Action,
    appeal: Appeal,
    lock_version: int,
    department: Department,
    reason: str,
    acting_user: Any,
    category: Category | None,
) -> Appeal:
    return appeal_transition(
        appeal=appeal,
        action=action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=reason,
        changes=_handover(appeal, department, category),
    )


@transaction.atomic
def appeal_resolve(
    *,
    appeal: Appeal,
    lock_version: int,
    answer: str,
    acting_user: Any,
    files: Sequence[UploadedFile] | None = None,
) -> Appeal:
    """The department's answer: the enterprise is asked to confirm and rate it, or reopen."""
    answer = _text(answer, what=_("answer"))
    return appeal_transition(
        appeal=appeal,
        action=Action.RESOLVE,
        lock_version=lock_version,
        acting_user=acting_user,
        text=answer,
        files=files,
        changes={"answer": answer, "resolved_at": clock.now()},
    )


@transaction.atomic
def appeal_merge(
    *, duplicate: Appeal, original: Appeal, lock_version: int, acting_user: Any
) -> Appeal:
    """Close `duplicate` as merged into `original` (the same enterprise's earlier appeal on the
    same matter). Its entries stay with it and show on the original; its enterprise is told."""
    if original.pk == duplicate.pk:
        raise DomainError(_("An appeal cannot be merged into itself."))
    if original.enterprise_id != duplicate.enterprise_id:
        raise DomainError(_("Only an appeal of the same enterprise can be merged."))
    if original.state == S.MERGED:
        raise DomainError(_("The original was itself merged; merge into the appeal it joined."))
    if not is_handler(acting_user, original):
        raise PermissionDenied(_("Only the department handling both appeals can merge them."))
    return appeal_transition(
        appeal=duplicate,
        action=Action.MERGE,
        lock_version=lock_version,
        acting_user=acting_user,
        text=_("Merged into %(ref)s, which answers the same matter.") % {"ref": original.reference},
        changes={"merged_into": original, "closed_at": clock.now()},
    )


# -- the enterprise's confirmation ---------------------------------------------------------------


@transaction.atomic
def appeal_confirm(
    *,
    appeal: Appeal,
    lock_version: int,
    rating: int,
    acting_user: Any,
    comment: str = "",
    solved: bool = True,
) -> Appeal:
    """The enterprise accepts the answer and rates it 1–5 (满意度), saying whether the matter is
    solved (解决); the appeal closes."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rate the answer from 1 (very dissatisfied) to 5 (very satisfied)."))
    comment = _text(comment, what=_("comment"), required=False)
    return appeal_transition(
        appeal=appeal,
        action=Action.CONFIRM,
        lock_version=lock_version,
        acting_user=acting_user,
        text=comment,
        changes={
            "rating": rating,
            "rating_comment": comment,
            "solved": bool(solved),
            "closed_at": clock.now(),
        },
    )


@transaction.atomic
def appeal_reopen(*, appeal: Appeal, lock_version: int, reason: str, acting_user: Any) -> Appeal:
    """The answer does not settle it: back to the department with the reason and a new
    resolution limit (the regime's, from today)."""
    return appeal_transition(
        appeal=appeal,
        action=Action.REOPEN,
        lock_version=lock_version,
        acting_user=acting_user,
        text=reason,
        changes=_reopened(appeal),
    )


def _reopened(appeal: Appeal) -> dict[str, Any]:
    regime = appeal.regime
    days = (
        regime.complex_days if appeal.is_complex and regime.complex_days else regime.resolution_days
    )
    return {
        "reopen_count": F("reopen_count") + 1,
        "resolution_due": add_working_days(clock.today(), days),
        "escalated_at": None,
        "escalated_for": "",
        "resolved_at": None,
        "closed_at": None,
        "rating": None,
        "rating_comment": "",
        "solved": None,
    }


@transaction.atomic
def appeal_follow_up_answer(*, appeal: Appeal, solved: bool, acting_user: Any) -> Appeal:
    """The answer to "four weeks on, is the matter really solved?". Yes is recorded; no reopens
    the appeal with its department (it counts as a reopening) and the answer is recorded."""
    if not is_filer(acting_user, appeal):
        raise PermissionDenied(_("Only the enterprise that filed the appeal can answer."))
    if appeal.state != S.CLOSED or appeal.follow_up_answered_at is not None:
        raise DomainError(_("There is nothing to answer about this appeal now."))
    now = clock.now()
    Appeal.objects.filter(pk=appeal.pk).update(follow_up_answered_at=now, follow_up_solved=solved)
    appeal.refresh_from_db()
    if solved:
        Entry.objects.create(
            appeal=appeal,
            action="follow_up_solved",
            side=Side.ENTERPRISE,
            department=appeal.department,
            actor=acting_user,
            text=_("Four weeks on, the enterprise confirms the matter is solved."),
            at=now,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            target=appeal,
            after={"follow_up_solved": True},
        )
        return appeal
    return appeal_transition(
        appeal=appeal,
        action=Action.FOLLOW_UP_UNSOLVED,
        lock_version=appeal.lock_version,
        acting_user=acting_user,
        text=_("Four weeks on, the enterprise says the matter is not solved; reopened."),
        changes=_reopened(appeal),
    )


# -- the lead office ---------------------------------------------------------------------------


@transaction.atomic
def appeal_urge(*, appeal: Appeal, text: str, acting_user: Any) -> Entry:
    """督办: the lead office presses the department; no state change."""
    if not has_capability(acting_user, SUPERVISE):
        raise PermissionDenied(_("Only the lead office can urge a department."))
    if not appeal.is_open:
        raise DomainError(_("The appeal is no longer open."))
    text = _text(text, what=_("message"))
    entry = Entry.objects.create(
        appeal=appeal,
        action="urge",
        side=Side.LEAD_OFFICE,
        department=appeal.department,
        actor=acting_user,
        text=text,
        at=clock.now(),
    )
    audit_record(actor=acting_user, action=AuditAction.UPDATE, target=appeal, note=text[:300])
    notification_send(
        recipients=department_staff(appeal.department),
        kind="appeals.urged",
        title=_("The lead office urges appeal %(ref)s") % {"ref": appeal.reference},
        body=text,
        link=reverse("appeals:handle", args=[appeal.reference]),
        dedup_key=f"appeal-urge:{entry.pk}",
    )
    return entry


@transaction.atomic
def category_save(
    *,
    category: Category,
    department: Department,
    regime: DeadlineRegime,
    is_active: bool,
    acting_user: Any,
) -> Category:
    """One row of the routing table; appeals already filed stay where they are."""
    if not has_capability(acting_user, SUPERVISE):
        raise PermissionDenied(_("Only the lead office edits the routing table."))
    if department.kind == "group":
        raise DomainError(
            _("%(category)s: choose one department, not a group of units.")
            % {"category": category.name}
        )
    before = snapshot(category, ["department_id", "regime_id", "is_active"])
    category.department, category.regime, category.is_active = department, regime, is_active
    category.save(update_fields=["department", "regime", "is_active"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=category,
        before=before,
        after=snapshot(category, ["department_id", "regime_id", "is_active"]),
    )
    return category


# -- periodic jobs -----------------------------------------------------------------------------


def appeals_escalate_overdue() -> int:
    """Escalate to the lead office every open appeal past its first-response or resolution
    limit, once per limit missed; the department and the lead office are told once."""
    today = clock.today()
    late_response = Q(state=S.SUBMITTED, responded_on__isnull=True, response_due__lt=today) & Q(
        escalated_for=""
    )
    late_resolution = Q(state__in=workflow.WITH_DEPARTMENT, resolution_due__lt=today) & ~Q(
        escalated_for=Overdue.RESOLUTION
    )
    escalated = 0
    for appeal in Appeal.objects.filter(late_response | late_resolution).select_related(
        "department"
    ):
        reason = Overdue.RESOLUTION if appeal.resolution_due < today else Overdue.RESPONSE
        with transaction.atomic():
            escalated += _escalate(appeal, reason)
    return escalated


def _escalate(appeal: Appeal, reason: Overdue) -> int:
    now = clock.now()
    # Guarded by the field itself, so two runs at once escalate (and notify) only once.
    updated = (
        Appeal.objects.filter(pk=appeal.pk, escalated_for=appeal.escalated_for)
        .exclude(escalated_for=reason)
        .update(escalated_at=now, escalated_for=reason, updated_at=now)
    )
    if not updated:
        return 0
    due = appeal.response_due if reason == Overdue.RESPONSE else appeal.resolution_due
    text = _("%(reason)s (due by %(day)s): escalated to the lead office.") % {
        "reason": Overdue(reason).label,
        "day": due.isoformat(),
    }
    system = system_user()
    entry = Entry.objects.create(
        appeal=appeal,
        action="escalate",
        side=Side.SYSTEM,
        department=appeal.department,
        actor=system,
        text=text,
        at=now,
    )
    audit_record(
        actor=system,
        action=AuditAction.UPDATE,
        target=appeal,
        before={"escalated_for": appeal.escalated_for},
        after={"escalated_for": str(reason)},
    )
    title = _("Appeal %(ref)s escalated: %(reason)s") % {
        "ref": appeal.reference,
        "reason": Overdue(reason).label,
    }
    recipients = [*department_staff(appeal.department), *lead_office_users()]
    notification_send(
        recipients=recipients,
        kind="appeals.escalated",
        title=title,
        body=f"{appeal.title}\n{text}",
        link=reverse("appeals:handle", args=[appeal.reference]),
        dedup_key=f"appeal-escalation:{entry.pk}",
    )
    return 1


def appeals_follow_up_due() -> int:
    """Four weeks after closing, ask the enterprise whether the matter is really solved."""
    cutoff = clock.now() - FOLLOW_UP_AFTER
    asked = 0
    for appeal in Appeal.objects.filter(
        state=S.CLOSED, closed_at__lte=cutoff, follow_up_sent_at__isnull=True
    ).select_related("enterprise"):
        with transaction.atomic():
            if not Appeal.objects.filter(pk=appeal.pk, follow_up_sent_at__isnull=True).update(
                follow_up_sent_at=clock.now()
            ):
                continue
            notification_send(
                recipients=enterprise_users([appeal.enterprise.uscc]),
                kind="appeals.follow_up",
                title=_("Is the matter of appeal %(ref)s really solved?")
                % {"ref": appeal.reference},
                body=_(
                    "Four weeks ago you closed “%(title)s”. One click tells us whether it is "
                    "really solved; if not, it goes back to the department."
                )
                % {"title": appeal.title},
                link=reverse("appeals:follow_up", args=[appeal.reference]),
                dedup_key=f"appeal-follow-up:{appeal.pk}",
            )
            asked += 1
    return asked


# -- the one way to change state ---------------------------------------------------------------


def _check_actor(appeal: Appeal, actor: Actor, user: Any) -> Side:
    if actor is Actor.ENTERPRISE:
        if not is_filer(user, appeal):
            raise PermissionDenied(_("Only the enterprise that filed the appeal can do this."))
        return Side.ENTERPRISE
    if actor is Actor.LEAD_OFFICE:
        if not has_capability(user, SUPERVISE):
            raise PermissionDenied(_("Only the lead office can do this."))
        return Side.LEAD_OFFICE
    if not is_handler(user, appeal):
        raise PermissionDenied(_("Only the department handling the appeal can do this."))
    return Side.DEPARTMENT


def appeal_transition(
    *,
    appeal: Appeal,
    action: Action,
    lock_version: int,
    acting_user: Any,
    text: str = "",
    files: Sequence[UploadedFile] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Appeal:
    """Move an appeal by one declared action, with optimistic locking, an entry in the
    conversation (the log), an audit row and a notice to the other side. Callers are atomic."""
    move = workflow.MOVES[action]
    source = appeal.state
    if source not in move.sources:
        raise DomainError(
            _("The appeal is “%(state)s”: “%(action)s” is not possible now.")
            % {"state": S(source).label, "action": workflow.LABELS[action]}
        )
    side = _check_actor(appeal, move.actor, acting_user)
    text = _text(text, what=_("reason or answer"), required=move.needs_text)
    chosen = _files(files)
    now = clock.now()
    values = dict(changes or {})
    if action in workflow.FIRST_RESPONSE and appeal.responded_on is None:
        values.setdefault("responded_on", clock.today())
    department_before = appeal.department
    update_unless_changed(
        Appeal,
        appeal.pk,
        lock_version,
        _("Someone else acted on this appeal first; reload it to see what changed."),
        state=move.target,
        updated_at=now,
        **values,
    )
    appeal.refresh_from_db()
    entry = Entry.objects.create(
        appeal=appeal,
        action=action,
        side=side,
        from_state=source,
        to_state=move.target,
        department=department_before,
        actor=acting_user,
        text=text,
        at=now,
    )
    _attach(appeal, entry, chosen, acting_user)
    # Foreign keys by their id; texts are in the entry, not repeated in the audit row.
    audited = [
        "state",
        *(
            f"{k}_id" if k in FOREIGN_KEYS else k
            for k in values
            if k not in ("answer", "rating_comment")
        ),
    ]
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=appeal,
        before={"state": source, "department_id": department_before.pk},
        after=snapshot(appeal, audited),
        note=text[:300],
    )
    _notify(appeal, entry, department_before)
    return appeal


def _notify(appeal: Appeal, entry: Entry, department_before: Department) -> None:
    """The other side hears of it: the enterprise of what the department or lead office did
    (inbox, e-mail, SMS when it asked to be phoned); the department of the enterprise's move or
    of an appeal handed to it."""
    state = S(appeal.state).label
    if entry.side == Side.ENTERPRISE:
        notification_send(
            recipients=department_staff(appeal.department),
            kind="appeals.progress",
            title=_("Appeal %(ref)s: %(state)s") % {"ref": appeal.reference, "state": state},
            body=entry.text,
            link=reverse("appeals:handle", args=[appeal.reference]),
            dedup_key=f"appeal-entry:{entry.pk}",
        )
        return
    title = _("Your appeal %(ref)s: %(state)s") % {"ref": appeal.reference, "state": state}
    notification_send(
        recipients=enterprise_users([appeal.enterprise.uscc]),
        kind="appeals.progress",
        title=title,
        body=entry.text,
        link=reverse("appeals:detail", args=[appeal.reference]),
        dedup_key=f"appeal-entry:{entry.pk}",
    )
    if appeal.contact_channel == Contact.PHONE and appeal.contact_value:
        sms_send(phone=appeal.contact_value, text=f"【金企】{title}")
    if appeal.department_id != department_before.pk:
        notification_send(
            recipients=department_staff(appeal.department),
            kind="appeals.new",
            title=_("Appeal %(ref)s handed to your department: %(title)s")
            % {"ref": appeal.reference, "title": appeal.title},
            body=entry.text,
            link=reverse("appeals:handle", args=[appeal.reference]),
            dedup_key=f"appeal-handover:{entry.pk}",
        )
