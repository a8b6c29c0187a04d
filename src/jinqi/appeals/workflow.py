"""The appeal workflow (诉求反映 and 办事咨询), declared once: which action moves an appeal from
which states to which, and who may take it, what each step logs (an entry of the conversation)
and what follows it (an audit row, a notice to the other side). `core.workflow` enforces it
through `services.appeal_transition`; nothing else changes `state`.

    submitted ──respond──► in progress ──resolve──► resolved ──confirm──► closed
        │  ▲                 │    ▲                   │                     │
        │  └─transfer/       ask  supply             reopen            follow-up "no"
        │    reassign        info info                 │                (four weeks on)
        └──ask info──► info requested ◄┘               └──► in progress ◄──┘

A department may resolve straight from `submitted` (a question answered at once), and may merge a
duplicate into the enterprise's original (→ merged). Escalation is not a state: an overdue
appeal stays where it is, marked escalated, and the lead office urges or reassigns it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.selectors import department_staff, enterprise_users
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.enums import Contact, Side
from jinqi.appeals.models import Appeal, Entry
from jinqi.appeals.permissions import SUPERVISE, is_filer, is_handler
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core.errors import PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.notifications.services import notification_send, sms_send


class Actor(StrEnum):
    ENTERPRISE = "enterprise"  # a user of the enterprise that filed it
    DEPARTMENT = "department"  # staff of the department now responsible
    LEAD_OFFICE = "lead_office"


class Action(StrEnum):
    FILE = "file"
    RESPOND = "respond"
    ASK_INFO = "ask_info"
    SUPPLY_INFO = "supply_info"
    TRANSFER = "transfer"
    REASSIGN = "reassign"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    MERGE = "merge"
    FOLLOW_UP_UNSOLVED = "follow_up_unsolved"


LABELS = {
    Action.FILE: gettext_lazy("File the appeal"),
    Action.RESPOND: gettext_lazy("Respond"),
    Action.ASK_INFO: gettext_lazy("Ask for more information"),
    Action.SUPPLY_INFO: gettext_lazy("Supply information"),
    Action.TRANSFER: gettext_lazy("Transfer to another department"),
    Action.REASSIGN: gettext_lazy("Reassign to another department"),
    Action.RESOLVE: gettext_lazy("Resolve"),
    Action.CONFIRM: gettext_lazy("Confirm and rate"),
    Action.REOPEN: gettext_lazy("Reopen"),
    Action.MERGE: gettext_lazy("Merge into the original"),
    Action.FOLLOW_UP_UNSOLVED: gettext_lazy("Not solved after all"),
}

OPEN = frozenset({S.SUBMITTED, S.INFO_REQUESTED, S.IN_PROGRESS})
WITH_DEPARTMENT = frozenset({S.SUBMITTED, S.IN_PROGRESS})  # the department's turn

# Actions that count as the department's first response (联系/答复), whoever is responsible.
FIRST_RESPONSE = frozenset({Action.RESPOND, Action.ASK_INFO, Action.RESOLVE})

SIDES = {
    Actor.ENTERPRISE: Side.ENTERPRISE,
    Actor.DEPARTMENT: Side.DEPARTMENT,
    Actor.LEAD_OFFICE: Side.LEAD_OFFICE,
}
# Texts are in the entry, not repeated in the audit row; `updated_at` is bookkeeping.
NOT_AUDITED = frozenset({"answer", "rating_comment", "updated_at"})


def authorize(appeal: Appeal, actor: str, user: Any) -> None:
    """Refuse `user` unless they act as `actor` on `appeal`."""
    if actor == Actor.ENTERPRISE:
        if not is_filer(user, appeal):
            raise PermissionDenied(_("Only the enterprise that filed the appeal can do this."))
    elif actor == Actor.LEAD_OFFICE:
        if not has_capability(user, SUPERVISE):
            raise PermissionDenied(_("Only the lead office can do this."))
    elif not is_handler(user, appeal):
        raise PermissionDenied(_("Only the department handling the appeal can do this."))


def _entry(step: Step[Appeal]) -> Entry:
    """The log: the step as an entry of the conversation, under the department that had the
    appeal when it was taken."""
    appeal = step.record
    return Entry.objects.create(
        appeal=appeal,
        action=step.transition.action,
        side=SIDES[Actor(step.transition.actor)],
        from_state=step.source,
        to_state=step.transition.target,
        department_id=_department_before(step),
        actor=step.actor,
        text=step.text,
        at=step.at,
    )


def _department_before(step: Step[Appeal]) -> int:
    return int(step.before.get("department_id", step.record.department_id))


def _audit(step: Step[Appeal]) -> None:
    """A filed appeal is audited as created, every other step as a transition with what it
    changed (foreign keys by their id)."""
    appeal = step.record
    if step.transition.action == Action.FILE:
        fields = ["reference", "kind", "category_id", "department_id", "title"]
        audit_record(
            actor=step.actor,
            action=AuditAction.CREATE,
            target=appeal,
            after=snapshot(appeal, fields),
        )
        return
    audited = ["state", *(name for name in step.before if name not in NOT_AUDITED)]
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=appeal,
        before={"state": step.source, "department_id": _department_before(step)},
        after=snapshot(appeal, audited),
        note=step.text[:300],
    )


def _notify(step: Step[Appeal]) -> None:
    """The other side hears of it: the department of a new appeal or of the enterprise's move;
    the enterprise of what the department or lead office did (inbox, e-mail, SMS when it asked to
    be phoned); a department of an appeal handed to it."""
    appeal, entry = step.record, step.log
    assert isinstance(entry, Entry)
    handle = reverse("appeals:handle", args=[appeal.reference])
    if step.transition.action == Action.FILE:
        notification_send(
            recipients=department_staff(appeal.department),
            kind="appeals.new",
            title=_("New appeal %(ref)s: %(title)s")
            % {"ref": appeal.reference, "title": appeal.title},
            body=_("First response due by %(day)s.") % {"day": appeal.response_due.isoformat()},
            link=handle,
        )
        return
    state = S(appeal.state).label
    if entry.side == Side.ENTERPRISE:
        notification_send(
            recipients=department_staff(appeal.department),
            kind="appeals.progress",
            title=_("Appeal %(ref)s: %(state)s") % {"ref": appeal.reference, "state": state},
            body=entry.text,
            link=handle,
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
    if appeal.department_id != _department_before(step):
        notification_send(
            recipients=department_staff(appeal.department),
            kind="appeals.new",
            title=_("Appeal %(ref)s handed to your department: %(title)s")
            % {"ref": appeal.reference, "title": appeal.title},
            body=entry.text,
            link=handle,
            dedup_key=f"appeal-handover:{entry.pk}",
        )


def _move(
    action: Action, sources: Iterable[str], target: str, actor: Actor, *, text: bool
) -> Transition:
    """One row of the table; `text`: the other side must be told why or what."""
    return Transition(action, frozenset(sources), target, actor, LABELS[action], needs_text=text)


WORKFLOW: Workflow[Appeal] = Workflow(
    model=Appeal,
    transitions=[
        _move(Action.FILE, [""], S.SUBMITTED, Actor.ENTERPRISE, text=True),
        _move(Action.RESPOND, [S.SUBMITTED], S.IN_PROGRESS, Actor.DEPARTMENT, text=True),
        _move(Action.ASK_INFO, WITH_DEPARTMENT, S.INFO_REQUESTED, Actor.DEPARTMENT, text=True),
        _move(Action.SUPPLY_INFO, [S.INFO_REQUESTED], S.IN_PROGRESS, Actor.ENTERPRISE, text=True),
        _move(Action.TRANSFER, WITH_DEPARTMENT, S.SUBMITTED, Actor.DEPARTMENT, text=True),
        _move(Action.REASSIGN, OPEN, S.SUBMITTED, Actor.LEAD_OFFICE, text=True),
        _move(Action.RESOLVE, WITH_DEPARTMENT, S.RESOLVED, Actor.DEPARTMENT, text=True),
        _move(Action.CONFIRM, [S.RESOLVED], S.CLOSED, Actor.ENTERPRISE, text=False),
        _move(Action.REOPEN, [S.RESOLVED], S.IN_PROGRESS, Actor.ENTERPRISE, text=True),
        _move(Action.MERGE, OPEN, S.MERGED, Actor.DEPARTMENT, text=False),
        _move(Action.FOLLOW_UP_UNSOLVED, [S.CLOSED], S.IN_PROGRESS, Actor.ENTERPRISE, text=False),
    ],
    authorize=authorize,
    state_labels=dict(S.choices),
    conflict=gettext_lazy(
        "Someone else acted on this appeal first; reload it to see what changed."
    ),
    # A closed appeal can still be reopened by the follow-up; a merged one is gone for good.
    final=frozenset({S.MERGED}),
    log=_entry,
    effects=[_audit, _notify],
)
