"""Every state × every action × every actor of a declared workflow, through the mechanism: what
the declaration permits is not refused for state or actor, everything else is refused by
`Workflow.apply` and leaves the record as it was. Apps call it from their workflow tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinqi.core.errors import DomainError
from jinqi.core.workflow import Workflow


def assert_only_declared_moves(
    workflow: Workflow[Any],
    record_in: Callable[[str], Any],
    users: Mapping[str, Any],
) -> int:
    """`record_in(state)` makes a fresh record in `state`; `users` maps each actor name to a user
    who acts as that actor on such records (and on no other role's behalf). Returns how many
    combinations were tried, so a caller can assert the matrix was not empty."""
    tried = 0
    states = [s for s in workflow.state_labels if s]
    for state in states:
        for transition in workflow.transitions:
            for actor, user in users.items():
                record = record_in(state)
                legal = state in transition.sources and actor == transition.actor
                refusal = workflow.refusal(record, transition, user, guards=False)
                if legal:
                    assert refusal is None, (state, transition.action, actor, refusal)
                else:
                    _assert_refused(workflow, record, transition.action, user)
                tried += 1
    return tried


def _assert_refused(workflow: Workflow[Any], record: Any, action: str, user: Any) -> None:
    before = (getattr(record, workflow.state_field), record.lock_version)
    try:
        workflow.apply(
            record, action, lock_version=record.lock_version, acting_user=user, text="理由"
        )
    except DomainError:
        record.refresh_from_db()
        assert (getattr(record, workflow.state_field), record.lock_version) == before
        return
    raise AssertionError(f"{action} from {before[0]} by {user} was not refused")
