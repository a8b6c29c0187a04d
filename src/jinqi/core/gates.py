"""Decision gates: a rule of a lower app that stops a decision of a higher one (a payment, an
approval) without the deciding app importing it. The credit app registers its gates here; the
policies and applications apps ask before they pay or approve.

`gates_enforce` is called outside the decision's own transaction: a checker logs what it
stopped, and that log must stay when the refused decision is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jinqi.core.errors import DomainError

PAYMENT = "payment"  # a 免申即享 payment (or any payment of a benefit)
APPROVAL = "approval"  # the approval of an application for a grant


@dataclass(frozen=True)
class Decision:
    """A decision about to be taken: what, about which enterprise, on which record, by whom."""

    action: str
    enterprise_id: int
    subject: str  # the record decided on, as app_label.model:pk
    subject_label: str  # its name for people
    department_id: int | None = None


@dataclass(frozen=True)
class Refusal:
    gate: str
    message: str


GateChecker = Callable[[Decision], list[Refusal]]

_checkers: dict[str, GateChecker] = {}


def register_gate_checker(name: str, checker: GateChecker) -> None:
    _checkers[name] = checker


def gates_check(decision: Decision) -> list[Refusal]:
    """Every registered gate's refusal of `decision` (logged by the gate that refuses)."""
    return [refusal for checker in _checkers.values() for refusal in checker(decision)]


def gates_enforce(decision: Decision) -> None:
    """Raise DomainError with every refusal's message when a gate stops `decision`."""
    refusals = gates_check(decision)
    if refusals:
        raise DomainError(" ".join(r.message for r in refusals))
