"""The declared workflow: only its moves are possible, by their actor, with optimistic locking."""

from __future__ import annotations

import itertools

import pytest

from jinqi.accounts.models import Department, User
from jinqi.accounts.tests.factories import department_user
from jinqi.appeals import services, workflow
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.enums import Side
from jinqi.appeals.models import Appeal, Entry
from jinqi.appeals.tests import factories as f
from jinqi.appeals.workflow import Action, Actor
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves

pytestmark = pytest.mark.django_db

# The workflow as edges, as docs/appeals.md draws it.
DOCUMENTED = {
    (S.SUBMITTED, S.IN_PROGRESS),
    (S.SUBMITTED, S.INFO_REQUESTED),
    (S.IN_PROGRESS, S.INFO_REQUESTED),
    (S.INFO_REQUESTED, S.IN_PROGRESS),
    (S.SUBMITTED, S.SUBMITTED),
    (S.IN_PROGRESS, S.SUBMITTED),
    (S.INFO_REQUESTED, S.SUBMITTED),
    (S.SUBMITTED, S.RESOLVED),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.RESOLVED, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.SUBMITTED, S.MERGED),
    (S.IN_PROGRESS, S.MERGED),
    (S.INFO_REQUESTED, S.MERGED),
    (S.CLOSED, S.IN_PROGRESS),
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S.values, S.values)))
def test_only_documented_state_pairs_are_moves(source: str, target: str) -> None:
    """Every pair of states is either a documented edge of the workflow or no move at all."""
    assert ((source, target) in workflow.WORKFLOW.edges()) == ((source, target) in DOCUMENTED)


ILLEGAL = [
    (state, action)
    for state in S.values
    for action in Action
    if state not in workflow.WORKFLOW.transition(action).sources
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_an_action_from_a_state_it_does_not_leave_is_refused(state: str, action: Action) -> None:
    """An action from a state the workflow does not start it from is refused, by its rightful
    actor too, and nothing changes."""
    user = f.firm_user()
    appeal = f.filed(user)
    Appeal.objects.filter(pk=appeal.pk).update(state=state)
    appeal.refresh_from_db()
    actor = {
        Actor.ENTERPRISE: user,
        Actor.DEPARTMENT: f.staff_of(appeal),
        Actor.LEAD_OFFICE: f.lead(),
    }[Actor(workflow.WORKFLOW.transition(action).actor)]
    with pytest.raises(DomainError) as refused:
        services.appeal_transition(
            appeal=appeal,
            action=action,
            lock_version=appeal.lock_version,
            acting_user=actor,
            text="理由",
        )
    assert not isinstance(refused.value, PermissionDenied)
    appeal.refresh_from_db()
    assert appeal.state == state
    assert Entry.objects.filter(appeal=appeal).count() == 1  # only the filing


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_the_wrong_actor_is_refused(action: Action) -> None:
    """Each move is refused to every actor but its own: the enterprise, another department, the
    lead office."""
    user = f.firm_user()
    appeal = f.filed(user)
    source = sorted(workflow.WORKFLOW.transition(action).sources)[0]
    Appeal.objects.filter(pk=appeal.pk).update(state=source)
    appeal.refresh_from_db()
    others = {
        Actor.ENTERPRISE: [f.firm_user(), f.staff_of(appeal), f.lead()],
        Actor.DEPARTMENT: [user, f.lead(), department_user("finance")],
        Actor.LEAD_OFFICE: [user, f.staff_of(appeal)],
    }[Actor(workflow.WORKFLOW.transition(action).actor)]
    for other in others:
        with pytest.raises(PermissionDenied):
            services.appeal_transition(
                appeal=appeal,
                action=action,
                lock_version=appeal.lock_version,
                acting_user=other,
                text="理由",
            )


def test_a_stale_version_is_refused() -> None:
    """Two staff answering at once: the second, acting on what it saw before, is refused."""
    appeal = f.filed()
    staff = f.staff_of(appeal)
    seen = appeal.lock_version
    services.appeal_respond(appeal=appeal, lock_version=seen, text="已收到", acting_user=staff)
    with pytest.raises(ConflictError):
        services.appeal_ask_info(appeal=appeal, lock_version=seen, text="请补充", acting_user=staff)


@pytest.mark.parametrize(
    "action", sorted(t.action for t in workflow.WORKFLOW.transitions if t.needs_text)
)
def test_moves_that_must_explain_need_a_text(action: Action) -> None:
    """A reason or an answer is required where the other side must be told why or what."""
    user = f.firm_user()
    appeal = f.filed(user)
    move = workflow.WORKFLOW.transition(action)
    Appeal.objects.filter(pk=appeal.pk).update(state=sorted(move.sources)[0])
    appeal.refresh_from_db()
    actor = {
        Actor.ENTERPRISE: user,
        Actor.DEPARTMENT: f.staff_of(appeal),
        Actor.LEAD_OFFICE: f.lead(),
    }[Actor(move.actor)]
    with pytest.raises(DomainError):
        services.appeal_transition(
            appeal=appeal,
            action=action,
            lock_version=appeal.lock_version,
            acting_user=actor,
            text="  ",
        )


def test_every_state_action_and_actor_through_the_mechanism() -> None:
    """Every state × action × actor: what the declaration permits is open to its actor only,
    everything else is refused by the workflow and leaves the appeal as it was."""
    user = f.firm_user()
    appeal = f.filed(user)

    def appeal_in(state: str) -> Appeal:
        # A refused move changes nothing (the helper checks), so one appeal serves every cell.
        Appeal.objects.filter(pk=appeal.pk).update(state=state)
        appeal.refresh_from_db()
        return appeal

    users: dict[str, User] = {
        Actor.ENTERPRISE: user,
        Actor.DEPARTMENT: f.staff_of(appeal),
        Actor.LEAD_OFFICE: f.lead(),
    }
    tried = assert_only_declared_moves(workflow.WORKFLOW, appeal_in, users)
    assert tried == len(S.values) * len(workflow.WORKFLOW.transitions) * len(users)
    assert Entry.objects.filter(appeal=appeal).count() == 1  # only the filing


def test_a_step_writes_its_entry_with_side_department_and_files() -> None:
    """A step is logged as an entry of the conversation under the department that had the
    appeal, with its side, states and attachments; the audit row names the department before."""
    appeal = f.filed()
    staff = f.staff_of(appeal)
    finance = Department.objects.get(code="finance")
    f.step(services.appeal_transfer, appeal, staff, department=finance, reason="属于金融办职责")
    entry = Entry.objects.get(appeal=appeal, action=Action.TRANSFER)
    assert (entry.side, entry.from_state, entry.to_state) == (
        Side.DEPARTMENT,
        S.SUBMITTED,
        S.SUBMITTED,
    )
    assert (entry.department, entry.actor, entry.text) == (
        staff.department,
        staff,
        "属于金融办职责",
    )
    audit = AuditEvent.objects.get(
        action=AuditAction.TRANSITION, object_type="appeals.appeal", object_id=str(appeal.pk)
    )
    assert audit.changes["department_id"] == {"old": staff.department_id, "new": finance.pk}
    f.step(
        services.appeal_resolve, appeal, department_user("finance"), answer="可以", files=[f.pdf()]
    )
    resolved = Entry.objects.get(appeal=appeal, action=Action.RESOLVE)
    assert (resolved.department, resolved.attachments.count()) == (finance, 1)


def test_filing_is_the_workflows_start() -> None:
    """A filed appeal's first entry is the workflow's start: from no state to submitted, by the
    enterprise, under the routed department, with its files."""
    user = f.firm_user()
    appeal = f.filed(user, files=[f.pdf()])
    entry = Entry.objects.get(appeal=appeal)
    assert (entry.action, entry.side, entry.from_state, entry.to_state) == (
        Action.FILE,
        Side.ENTERPRISE,
        "",
        S.SUBMITTED,
    )
    assert (entry.department, entry.actor, entry.attachments.count()) == (
        appeal.department,
        user,
        1,
    )
