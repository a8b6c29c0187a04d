"""The appeal workflow (诉求反映 and 办事咨询), declared once: which action moves an appeal from
which states to which, and who may take it. `services.appeal_transition` enforces it; nothing
else changes `state`.

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

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from jinqi.appeals.enums import AppealState as S


class Actor(StrEnum):
    ENTERPRISE = "enterprise"  # a user of the enterprise that filed it
    DEPARTMENT = "department"  # staff of the department now responsible
    LEAD_OFFICE = "lead_office"


class Action(StrEnum):
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
    Action.RESPOND: _("Respond"),
    Action.ASK_INFO: _("Ask for more information"),
    Action.SUPPLY_INFO: _("Supply information"),
    Action.TRANSFER: _("Transfer to another department"),
    Action.REASSIGN: _("Reassign to another department"),
    Action.RESOLVE: _("Resolve"),
    Action.CONFIRM: _("Confirm and rate"),
    Action.REOPEN: _("Reopen"),
    Action.MERGE: _("Merge into the original"),
    Action.FOLLOW_UP_UNSOLVED: _("Not solved after all"),
}


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    actor: Actor
    needs_text: bool  # the enterprise (or the receiving department) must be told why or what


OPEN = frozenset({S.SUBMITTED, S.INFO_REQUESTED, S.IN_PROGRESS})
WITH_DEPARTMENT = frozenset({S.SUBMITTED, S.IN_PROGRESS})  # the department's turn

MOVES: dict[Action, Move] = {
    Action.RESPOND: Move(frozenset({S.SUBMITTED}), S.IN_PROGRESS, Actor.DEPARTMENT, True),
    Action.ASK_INFO: Move(WITH_DEPARTMENT, S.INFO_REQUESTED, Actor.DEPARTMENT, True),
    Action.SUPPLY_INFO: Move(frozenset({S.INFO_REQUESTED}), S.IN_PROGRESS, Actor.ENTERPRISE, True),
    Action.TRANSFER: Move(WITH_DEPARTMENT, S.SUBMITTED, Actor.DEPARTMENT, True),
    Action.REASSIGN: Move(OPEN, S.SUBMITTED, Actor.LEAD_OFFICE, True),
    Action.RESOLVE: Move(WITH_DEPARTMENT, S.RESOLVED, Actor.DEPARTMENT, True),
    Action.CONFIRM: Move(frozenset({S.RESOLVED}), S.CLOSED, Actor.ENTERPRISE, False),
    Action.REOPEN: Move(frozenset({S.RESOLVED}), S.IN_PROGRESS, Actor.ENTERPRISE, True),
    Action.MERGE: Move(OPEN, S.MERGED, Actor.DEPARTMENT, False),
    Action.FOLLOW_UP_UNSOLVED: Move(frozenset({S.CLOSED}), S.IN_PROGRESS, Actor.ENTERPRISE, False),
}

# Actions that count as the department's first response (联系/答复), whoever is responsible.
FIRST_RESPONSE = frozenset({Action.RESPOND, Action.ASK_INFO, Action.RESOLVE})
# Actions that hand the appeal to a (new) department: both time limits start again.
HANDOVER = frozenset({Action.TRANSFER, Action.REASSIGN})
# Actions that count for the reopen rate.
REOPENING = frozenset({Action.REOPEN, Action.FOLLOW_UP_UNSOLVED})

FINAL = frozenset({S.CLOSED, S.MERGED})


def allowed_pairs() -> frozenset[tuple[str, str]]:
    """Every (from, to) pair some action allows: the workflow as a set of edges."""
    return frozenset((source, move.target) for move in MOVES.values() for source in move.sources)


def actions_from(state: str, actor: Actor) -> list[Action]:
    """The actions `actor` may take on an appeal in `state` (for the pages' buttons)."""
    return [a for a, move in MOVES.items() if state in move.sources and move.actor is actor]
