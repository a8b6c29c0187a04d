"""The application workflow (一表申报), declared once: who may move an application from which
state to which. `services.application_transition` enforces it; nothing else changes `state`.

    draft → submitted → in review (受理; one or more review steps) → approved → publicity (公示)
          ↑     ↓                                     ↓                           ↓
          returned for correction (补正)            rejected               disbursed (兑付)

The enterprise may withdraw before acceptance; a department may refuse to accept (rejected,
with the reason); an objection upheld during publicity rejects the application.
"""

from __future__ import annotations

from enum import StrEnum

from jinqi.applications.enums import ApplicationState as S


class Actor(StrEnum):
    APPLICANT = "applicant"  # a user of the applying enterprise
    DEPARTMENT = "department"  # staff of the policy's department
    REVIEWER = "reviewer"  # whoever the current review step names


TRANSITIONS: dict[tuple[str, str], Actor] = {
    (S.DRAFT, S.SUBMITTED): Actor.APPLICANT,
    (S.DRAFT, S.WITHDRAWN): Actor.APPLICANT,
    (S.SUBMITTED, S.WITHDRAWN): Actor.APPLICANT,
    (S.RETURNED, S.SUBMITTED): Actor.APPLICANT,
    (S.RETURNED, S.WITHDRAWN): Actor.APPLICANT,
    (S.SUBMITTED, S.RETURNED): Actor.DEPARTMENT,
    (S.SUBMITTED, S.IN_REVIEW): Actor.DEPARTMENT,  # 受理
    (S.SUBMITTED, S.REJECTED): Actor.DEPARTMENT,  # 不予受理
    (S.IN_REVIEW, S.IN_REVIEW): Actor.REVIEWER,  # a step passed, the next one begins
    (S.IN_REVIEW, S.APPROVED): Actor.REVIEWER,  # the last step passed
    (S.IN_REVIEW, S.REJECTED): Actor.REVIEWER,
    (S.APPROVED, S.PUBLICITY): Actor.DEPARTMENT,
    (S.PUBLICITY, S.DISBURSED): Actor.DEPARTMENT,
    (S.PUBLICITY, S.REJECTED): Actor.DEPARTMENT,  # an objection upheld
}

# Transitions whose comment is required (the enterprise must be told why).
NEEDS_COMMENT = frozenset(
    {
        (S.SUBMITTED, S.RETURNED),
        (S.SUBMITTED, S.REJECTED),
        (S.IN_REVIEW, S.REJECTED),
        (S.PUBLICITY, S.REJECTED),
    }
)

FINAL = frozenset({S.REJECTED, S.DISBURSED, S.WITHDRAWN})
# States a department works on (its queue); drafts are the enterprise's own business.
DEPARTMENT_VISIBLE = frozenset(set(S.values) - {S.DRAFT})


def actor_for(source: str, target: str) -> Actor | None:
    """Who may make this transition, or None if it does not exist."""
    return TRANSITIONS.get((source, target))
