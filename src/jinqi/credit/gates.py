"""Credit gates (`CreditGate`): rules of the engine over the enterprise's profile, checked when a
payment or an approval is about to be made (core.gates). A gate that holds is logged with the
record behind the fact it read, and its message names that record for the department and the
enterprise."""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.core.gates import Decision, Refusal
from jinqi.credit.enums import RecordStatus
from jinqi.credit.facts import KIND_OF_FACT
from jinqi.credit.models import CreditGate, CreditRecord, GateEvent
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import profile_dict
from jinqi.registry.vocabulary import FIELDS
from jinqi.rules import Rule, Vocabulary, compile_rule, evaluate
from jinqi.rules.tree import Field
from jinqi.rules.types import field_type


@cache
def _vocabulary() -> Vocabulary:
    return Vocabulary({spec.key: field_type(spec.type) for spec in FIELDS})


def gate_rule(condition: str) -> Rule:
    """A gate's condition as a validated rule (RuleError says what is wrong)."""
    return compile_rule(condition, _vocabulary())


def _blocking_record(enterprise: Enterprise, rule: Rule) -> CreditRecord | None:
    """The record in force behind a fact the rule reads (the oldest first)."""
    kinds = [
        KIND_OF_FACT[key]
        for key in {n.name for n in rule.tree.walk() if isinstance(n, Field)}
        if key in KIND_OF_FACT
    ]
    return (
        CreditRecord.objects.filter(
            enterprise=enterprise, status=RecordStatus.PUBLISHED, kind__in=kinds
        )
        .select_related("department")
        .order_by("decided_on", "pk")
        .first()
    )


def gate_message(gate: CreditGate, record: CreditRecord | None) -> str:
    if record is None:
        return _("Stopped by the credit gate “%(gate)s”.") % {"gate": gate.name}
    return _(
        "Stopped by the credit gate “%(gate)s”: record %(number)s of %(department)s, decided "
        "on %(day)s (%(kind)s)."
    ) % {
        "gate": gate.name,
        "number": record.decision_number,
        "department": record.department.name,
        "day": record.decided_on.isoformat(),
        "kind": record.get_kind_display(),
    }


def credit_gates_check(decision: Decision) -> list[Refusal]:
    """The credit gates that stop `decision`, each logged as a GateEvent."""
    gates = list(CreditGate.objects.filter(action=decision.action, is_active=True))
    if not gates:
        return []
    enterprise = Enterprise.objects.get(pk=decision.enterprise_id)
    profile = profile_dict(enterprise)
    refusals = []
    for gate in gates:
        rule = gate_rule(gate.condition)
        if evaluate(rule, profile) is not True:
            continue
        record = _blocking_record(enterprise, rule)
        GateEvent.objects.create(
            enterprise=enterprise,
            gate=gate.code,
            action=decision.action,
            subject=decision.subject[:100],
            subject_label=decision.subject_label[:300],
            record=record,
            department_id=decision.department_id,
            at=clock.now(),
        )
        refusals.append(Refusal(gate.code, gate_message(gate, record)))
    return refusals
