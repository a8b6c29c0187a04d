"""Reads of policies for the pages, scoped by the acting user: another department's policy, or
another enterprise's grant, is a 404."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    decide_all,
    prepared_profile,
    version_of,
)
from jinqi.policies.models import Grant, Match, Policy, RuleVersion
from jinqi.policies.permissions import FOR_ME, MANAGE, VIEW, VIEW_ALL
from jinqi.policies.snapshot import profiles_snapshot
from jinqi.registry import selectors as registry_selectors
from jinqi.registry.models import Enterprise
from jinqi.registry.rules_vocabulary import derived_fields, label, rules_vocabulary
from jinqi.registry.selectors import SourcedValue
from jinqi.registry.vocabulary import BY_KEY, FIELDS, value_label
from jinqi.registry.wording import field_unit, readable, show_value
from jinqi.rules import ConditionResult, Explanation, Rule, compile_rule, explain, render
from jinqi.rules.tree import (
    Derived,
    Field,
    Node,
    Not,
    conditions,
    fields_used,
)
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
    label: str  # with the year of a yearly figure
    value: str
    missing: bool
    source: str = ""  # who supplied the value, when the enterprise's record says


@dataclass(frozen=True)
class ConditionView:
    """A top-level condition as a person reads it, and for one enterprise its result."""

    readable: str  # in words, with field labels
    expression: str  # the condition as written in the rules language
    labels: list[tuple[str, str]]  # (key, label) of every field and derived field it names
    result: bool | None = None
    readings: list[Reading] = field(default_factory=list)


def _names(node: Node) -> list[str]:
    seen: dict[str, None] = {}
    for n in node.walk():
        if isinstance(n, Field | Derived):
            seen.setdefault(n.name)
    return list(seen)


def _reading(key: str, value: Any, held: Mapping[str, SourcedValue]) -> Reading:
    """A value a condition read, with the year of a yearly figure and who supplied it."""
    sourced = held.get(key)
    shown_label = label(key)
    if sourced is not None and sourced.year:
        shown_label = _("%(label)s (%(year)s)") % {"label": shown_label, "year": sourced.year}
    return Reading(
        key,
        shown_label,
        show_value(value_label(key, value), field_unit(key)),
        value is None,
        sourced.source if sourced is not None and value is not None else "",
    )


def _condition_view(
    node: Node,
    result: ConditionResult | None = None,
    held: Mapping[str, SourcedValue] | None = None,
) -> ConditionView:
    names = _names(node)
    readings = []
    # A yes/no field tested alone says its value already ("…: no"); known, it needs no reading.
    plain = isinstance(node.operand if isinstance(node, Not) else node, Field)
    if result is not None and not (plain and result.result is not None):
        readings = [_reading(key, value, held or {}) for key, value in result.values.items()]
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


def explained(
    rule: Rule, explanation: Explanation, held: Mapping[str, SourcedValue] | None = None
) -> list[ConditionView]:
    """The rule's conditions with one enterprise's results; `held` (the enterprise's values
    with their sources) adds the year and the supplier to each value read."""
    return [
        _condition_view(node, result, held)
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
    names = registry_selectors.source_names(sources.values())
    return {key: names[source] for key, source in sources.items()}


def _verdicts(
    pending: Sequence[tuple[Policy, RuleVersion, Explanation]], held: Mapping[str, SourcedValue]
) -> list[Verdict]:
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
            conditions=explained(compiled(version.sql), explanation, held),
            missing=[MissingData(k, label(k), holders.get(k, "")) for k in explanation.missing],
        )
        for policy, version, explanation in pending
    ]


def verdict_for(enterprise: Enterprise, policy: Policy, today: datetime.date) -> Verdict:
    """The policy's current rule decided now for the enterprise, with the reasons."""
    version = version_of(policy)
    values = registry_selectors.profile_dict(enterprise)
    held = registry_selectors.profile_with_sources(enterprise)
    return _verdicts([(policy, version, decide(version, values, today))], held)[0]


def policies_for_me(user: User, enterprise: Enterprise, today: datetime.date) -> ForMe:
    """Each live policy decided now for the enterprise, with the reasons."""
    values = registry_selectors.profile_dict(enterprise)
    policies = Policy.objects.live(today).select_related("department")
    chosen = [
        (policy, policy.versions.all()[0])
        for policy in policies.prefetch_related("versions").order_by("title")
    ]
    explanations = decide_all([version for _policy, version in chosen], values, today)
    pending = [
        (policy, version, explanation)
        for (policy, version), explanation in zip(chosen, explanations, strict=True)
    ]
    verdicts: dict[str, list[Verdict]] = {o: [] for o in Outcome.values}
    for verdict in _verdicts(pending, registry_selectors.profile_with_sources(enterprise)):
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
