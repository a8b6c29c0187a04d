"""Reads of policies for the pages, scoped by the acting user: another department's policy, or
another enterprise's grant, is a 404."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.core.permissions import has_capability
from jinqi.policies import workflow
from jinqi.policies.amounts import Amount
from jinqi.policies.enums import Outcome
from jinqi.policies.evaluation import (
    amount_for,
    compiled,
    decide,
    prepared_profile,
    version_of,
)
from jinqi.policies.models import Grant, Match, Policy, RuleVersion
from jinqi.policies.permissions import FOR_ME, MANAGE, VIEW, VIEW_ALL
from jinqi.policies.snapshot import profiles_snapshot
from jinqi.policies.vocabulary import derived_fields, label, rules_vocabulary
from jinqi.registry import selectors as registry_selectors
from jinqi.registry.models import Enterprise
from jinqi.registry.vocabulary import BY_KEY, FIELDS, value_label
from jinqi.rules import ConditionResult, Explanation, Rule, compile_rule, explain, render
from jinqi.rules.tree import (
    Between,
    Compare,
    Const,
    Derived,
    Field,
    InList,
    Logic,
    Node,
    Not,
    conditions,
    fields_used,
)
from jinqi.rules.types import FieldType
from jinqi.rules.vector import evaluate_pack, evaluate_rows

# -- the public catalogue ----------------------------------------------------------------------


def policies_published(
    *, department: str = "", delivery: str = "", in_force_on: datetime.date | None = None
) -> QuerySet[Policy]:
    """The catalogue anyone may read: published policies, optionally filtered."""
    policies = Policy.objects.published().select_related("department")
    if department:
        policies = policies.filter(department__code=department)
    if delivery:
        policies = policies.filter(delivery=delivery)
    if in_force_on is not None:
        policies = policies.in_force_on(in_force_on)
    return policies.order_by("-valid_from", "code")


def catalogue_departments() -> QuerySet[Department]:
    """The departments that have a published policy (the catalogue's filter choices)."""
    published = Policy.objects.published().values("department_id")
    return Department.objects.filter(pk__in=published).order_by("sort_order", "name")


def policy_published(code: str) -> Policy:
    policy = Policy.objects.published().select_related("department").filter(code=code).first()
    if policy is None:
        raise Http404
    return policy


def policy_staff_note(policy: Policy, user: Any) -> str:
    """The policy's note for staff, for department staff and the lead office only; empty for
    everyone else (visitors and enterprises never read the drafting notes)."""
    return policy.staff_note if has_capability(user, VIEW) else ""


def awards_published(policy: Policy) -> QuerySet[Grant]:
    """The award list (公示): the grants awarded, once the department has published them."""
    if policy.awards_published_at is None:
        raise Http404
    return (
        Grant.objects.filter(policy=policy, state__in=workflow.AWARDED)
        .select_related("enterprise")
        .order_by("position")
    )


# -- the management pages -------------------------------------------------------------------------


def policies_visible_to(user: Any) -> QuerySet[Policy]:
    """A department's own policies; every policy for the lead office; nothing for others."""
    policies = Policy.objects.select_related("department")
    if has_capability(user, MANAGE):
        return policies.filter(department_id=user.department_id)
    if has_capability(user, VIEW_ALL):
        return policies
    return policies.none()


def policies_listed(user: User) -> QuerySet[Policy]:
    """The management list: drafts first, with each policy's current rule version number."""
    return (
        policies_visible_to(user)
        .annotate(version_number=Max("versions__number"))
        .order_by("state", "code")
    )


def policy_for(user: User, code: str) -> Policy:
    policy = policies_visible_to(user).filter(code=code).first()
    if policy is None:
        raise Http404
    return policy


def matches_of(policy: Policy, outcome: str = "") -> QuerySet[Match]:
    matches = Match.objects.filter(policy=policy).select_related("enterprise", "version")
    if outcome:
        matches = matches.filter(outcome=outcome)
    return matches.order_by("matched_at", "enterprise_id")


def grants_of(policy: Policy) -> QuerySet[Grant]:
    return Grant.objects.filter(policy=policy).select_related("enterprise").order_by("position")


def grant_managed(user: User, code: str, pk: int) -> Grant:
    """A grant of a policy the user's department manages (a 404 otherwise)."""
    policy = policy_for(user, code)
    grant = grants_of(policy).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def versions_of(policy: Policy) -> QuerySet[RuleVersion]:
    return policy.versions.select_related("created_by").order_by("-number")


# -- the rule, readable ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One value a condition read: the field's label, the value and its unit."""

    key: str
    label: str
    value: str
    missing: bool


@dataclass(frozen=True)
class ConditionView:
    """A top-level condition as a person reads it, and for one enterprise its result."""

    readable: str  # in words, with field labels
    expression: str  # the condition as written in the rules language
    labels: list[tuple[str, str]]  # (key, label) of every field and derived field it names
    result: bool | None = None
    readings: list[Reading] = field(default_factory=list)


OPERATORS = {"=": "＝", "<>": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def field_unit(key: str) -> str:
    spec = BY_KEY.get(key)
    return spec.unit if spec else ""


def show_value(value: Any, unit: str = "") -> str:
    """A value as shown next to a label: yes/no, numbers without noise, dates in ISO form."""
    if value is None:
        return _("no data")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float | Decimal):
        number = float(value)
        text = f"{number:,.4f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _named(node: Node) -> str | None:
    if isinstance(node, Field | Derived):
        return node.name
    return None


def readable(node: Node) -> str:
    """A condition in words where its form is a common one; otherwise its expression."""
    name = _named(node)
    if name is not None and node.type is FieldType.BOOLEAN:
        return _("%(label)s: yes") % {"label": label(name)}
    if isinstance(node, Not) and _named(node.operand) is not None:
        return _("%(label)s: no") % {"label": label(_named(node.operand) or "")}
    if isinstance(node, Compare) and isinstance(node.right, Const):
        left = _named(node.left)
        if left is not None:
            value = show_value(value_label(left, node.right.value), field_unit(left))
            return f"{label(left)} {OPERATORS[node.op]} {value}"
    if isinstance(node, InList) and _named(node.operand) is not None:
        values = "、".join(show_value(v.value) for v in node.values)
        template = (
            _("%(label)s is not one of %(values)s")
            if node.negated
            else _("%(label)s is one of %(values)s")
        )
        return template % {"label": label(_named(node.operand) or ""), "values": values}
    if (
        isinstance(node, Between)
        and _named(node.operand) is not None
        and isinstance(node.low, Const)
        and isinstance(node.high, Const)
        and not node.negated
    ):
        name = _named(node.operand) or ""
        return _("%(label)s between %(low)s and %(high)s") % {
            "label": label(name),
            "low": show_value(node.low.value, field_unit(name)),
            "high": show_value(node.high.value, field_unit(name)),
        }
    if isinstance(node, Logic):
        joiner = _(" and ") if node.op == "and" else _(" or ")
        return joiner.join(
            f"（{readable(item)}）" if isinstance(item, Logic) else readable(item)
            for item in node.items
        )
    return render(node)


def _names(node: Node) -> list[str]:
    seen: dict[str, None] = {}
    for n in node.walk():
        if isinstance(n, Field | Derived):
            seen.setdefault(n.name)
    return list(seen)


def _condition_view(node: Node, result: ConditionResult | None = None) -> ConditionView:
    names = _names(node)
    readings = []
    # A yes/no field tested alone says its value already ("…: no"); known, it needs no reading.
    plain = isinstance(node.operand if isinstance(node, Not) else node, Field)
    if result is not None and not (plain and result.result is not None):
        for key, value in result.values.items():
            readings.append(
                Reading(
                    key,
                    label(key),
                    show_value(value_label(key, value), field_unit(key)),
                    value is None,
                )
            )
    return ConditionView(
        readable=readable(node),
        expression=render(node),
        labels=[(n, label(n)) for n in names],
        result=None if result is None else result.result,
        readings=readings,
    )


def rule_conditions(sql: str) -> list[ConditionView]:
    """A stored rule's top-level conditions, readable."""
    return [_condition_view(node) for node in conditions(compiled(sql).tree)]


def explained(rule: Rule, explanation: Explanation) -> list[ConditionView]:
    return [
        _condition_view(node, result)
        for node, result in zip(conditions(rule.tree), explanation.conditions, strict=True)
    ]


# -- "policies for me" -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingData:
    key: str
    label: str
    holder: str  # the department that supplies it, or who computes it


@dataclass(frozen=True)
class Verdict:
    policy: Policy
    version: RuleVersion
    outcome: str
    conditions: list[ConditionView]
    missing: list[MissingData]
    amount: Amount | None = None  # the computed amount or estimate, for an eligible one

    @property
    def failed(self) -> list[ConditionView]:
        return [c for c in self.conditions if c.result is False]


@dataclass(frozen=True)
class ForMe:
    enterprise: Enterprise
    eligible: list[Verdict]
    unknown: list[Verdict]
    not_eligible: list[Verdict]
    grants: list[Grant]


def _holders(keys: Iterable[str]) -> dict[str, str]:
    sources = {k: BY_KEY[k].source for k in keys if k in BY_KEY}
    names = dict(
        Department.objects.filter(code__in=set(sources.values())).values_list("code", "name")
    )
    holders = {}
    for key, source in sources.items():
        if source == "derived":
            holders[key] = _("computed by the platform from other data")
        else:
            holders[key] = names.get(source) or _(
                "a department not yet on the platform (%(code)s)"
            ) % {"code": source}
    return holders


def _verdicts(pending: Sequence[tuple[Policy, RuleVersion, Explanation]]) -> list[Verdict]:
    holders = _holders({key for *_rest, e in pending for key in e.missing})
    return [
        Verdict(
            policy=policy,
            version=version,
            outcome=(
                Outcome.UNKNOWN
                if explanation.eligible is None
                else Outcome.ELIGIBLE
                if explanation.eligible
                else Outcome.NOT_ELIGIBLE
            ),
            conditions=explained(compiled(version.sql), explanation),
            missing=[MissingData(k, label(k), holders.get(k, "")) for k in explanation.missing],
        )
        for policy, version, explanation in pending
    ]


def verdict_for(enterprise: Enterprise, policy: Policy, today: datetime.date) -> Verdict:
    """The policy's current rule decided now for the enterprise, with the reasons."""
    version = version_of(policy)
    values = registry_selectors.profile_dict(enterprise)
    return _verdicts([(policy, version, decide(version, values, today))])[0]


def policies_for_me(user: User, enterprise: Enterprise, today: datetime.date) -> ForMe:
    """Each live policy decided now for the enterprise, with the reasons."""
    values = registry_selectors.profile_dict(enterprise)
    pending: list[tuple[Policy, RuleVersion, Explanation]] = []
    policies = Policy.objects.live(today).select_related("department")
    for policy in policies.prefetch_related("versions").order_by("title"):
        version = policy.versions.all()[0]
        pending.append((policy, version, decide(version, values, today)))
    verdicts: dict[str, list[Verdict]] = {o: [] for o in Outcome.values}
    for verdict in _verdicts(pending):
        if verdict.outcome == Outcome.ELIGIBLE and verdict.policy.amount_expression:
            amount = amount_for(verdict.policy, values, today, True)
            verdict = replace(verdict, amount=amount)
        verdicts[verdict.outcome].append(verdict)
    grants = list(
        Grant.objects.filter(enterprise=enterprise)
        .select_related("policy")
        .order_by("-created_at", "-pk")
    )
    return ForMe(
        enterprise,
        verdicts[Outcome.ELIGIBLE],
        verdicts[Outcome.UNKNOWN],
        verdicts[Outcome.NOT_ELIGIBLE],
        grants,
    )


def stored_matches(enterprise: Enterprise, today: datetime.date) -> QuerySet[Match]:
    """The enterprise's stored matches with live policies, as the nightly and on-change runs left
    them: cheap to read on every page view, unlike `policies_for_me`."""
    return (
        Match.objects.filter(enterprise=enterprise, policy__in=Policy.objects.live(today))
        .select_related("policy")
        .order_by("outcome", "-policy__valid_from", "policy__title")
    )


def grants_of_enterprise(enterprise: Enterprise) -> QuerySet[Grant]:
    """The enterprise's auto-grants (免申即享), newest first."""
    return (
        Grant.objects.filter(enterprise=enterprise)
        .select_related("policy")
        .order_by("-created_at", "-pk")
    )


def grant_own(user: User, pk: int) -> Grant:
    """One of the enterprise's own grants (a 404 for anyone else's)."""
    grant = (
        Grant.objects.filter(pk=pk, enterprise__uscc=getattr(user, "enterprise_uscc", None))
        .select_related("policy", "enterprise")
        .first()
    )
    if grant is None or not has_capability(user, FOR_ME):
        raise Http404
    return grant


# -- the rule builder and the "test this rule" panel -----------------------------------------------


@dataclass(frozen=True)
class BuilderField:
    key: str
    label: str
    type: str  # boolean | integer | number | text | date
    unit: str
    derived: bool


def builder_fields() -> list[BuilderField]:
    """What the rule builder offers: every vocabulary field, then the named derived fields."""
    vocabulary = rules_vocabulary()
    fields = [
        BuilderField(spec.key, str(spec.label), vocabulary.fields[spec.key].value, spec.unit, False)
        for spec in FIELDS
        if spec.key in vocabulary.fields and spec.key != "uscc"
    ]
    for name in derived_fields():
        fields.append(
            BuilderField(name, label(name), vocabulary.derived[name].type.value, "", True)
        )
    return fields


@dataclass(frozen=True)
class SampleRow:
    enterprise: Enterprise
    outcome: str
    conditions: list[ConditionView]


@dataclass(frozen=True)
class RuleTest:
    enterprises: int
    eligible: int
    unknown: int
    conditions: list[ConditionView]
    sample: list[SampleRow]

    @property
    def not_eligible(self) -> int:
        return self.enterprises - self.eligible - self.unknown


SAMPLE_SIZE = 10


def rule_test(sql: str, today: datetime.date) -> RuleTest:
    """How many enterprises a (validated) rule would match over every profile now, and a
    sample of them — eligible, possibly eligible and not — each with its explanation."""

    rule = compile_rule(sql, rules_vocabulary())
    ids, snapshot = profiles_snapshot(fields_used(rule.tree), today)
    counts = evaluate_pack([rule], snapshot)
    decisions = evaluate_rows(rule, snapshot) if ids else []
    chosen = _sample(ids, decisions)
    enterprises = Enterprise.objects.in_bulk(chosen)
    sample = []
    for pk in chosen:
        enterprise = enterprises[pk]
        values = prepared_profile(registry_selectors.profile_dict(enterprise), today)
        explanation = explain(rule, values)
        outcome = (
            Outcome.UNKNOWN
            if explanation.eligible is None
            else Outcome.ELIGIBLE
            if explanation.eligible
            else Outcome.NOT_ELIGIBLE
        )
        sample.append(SampleRow(enterprise, outcome, explained(rule, explanation)))
    return RuleTest(
        enterprises=len(ids),
        eligible=counts.eligible[0],
        unknown=counts.unknown[0],
        conditions=[_condition_view(node) for node in conditions(rule.tree)],
        sample=sample,
    )


def _sample(ids: Sequence[int], decisions: Sequence[bool | None]) -> list[int]:
    """Up to SAMPLE_SIZE ids: some of each outcome (in registry order), topped up from any."""
    groups: dict[bool | None, list[int]] = {True: [], None: [], False: []}
    for pk, decision in zip(ids, decisions, strict=True):
        if len(groups[decision]) < SAMPLE_SIZE:
            groups[decision].append(pk)
    shares = {True: 4, None: 3, False: 3}
    chosen = [pk for d, n in shares.items() for pk in groups[d][:n]]
    rest = [pk for d in (True, None, False) for pk in groups[d] if pk not in chosen]
    chosen += rest[: max(SAMPLE_SIZE - len(chosen), 0)]
    return chosen
