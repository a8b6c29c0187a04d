"""Policies as a source of the search index: published ones only, with their department,
delivery mode and the industries their rule requires; for an enterprise user each result
says whether the enterprise is eligible (from the stored matches, one query per page)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.models import User
from jinqi.policies.enums import Delivery, Outcome, PolicyState
from jinqi.policies.evaluation import compiled
from jinqi.policies.models import Match, Policy, RuleVersion
from jinqi.registry.models import Industry
from jinqi.registry.selectors import enterprise_of
from jinqi.rules import RuleError
from jinqi.rules.tree import Compare, Const, Derived, Field, InList, Node, Not
from jinqi.search.registry import IndexedText, ResultNote, SearchSource, register_source

INDUSTRY_FIELDS = frozenset({"industry_section", "industry_division", "industry_code"})


def _required_values(node: Node, positive: bool = True) -> list[tuple[str, str]]:
    """(field, value) pairs a rule requires an industry field to equal, outside any NOT."""
    if isinstance(node, Not):
        return _required_values(node.operand, not positive)
    if isinstance(node, Derived):
        return _required_values(node.expression, positive)
    found: list[tuple[str, str]] = []
    if positive and isinstance(node, Compare) and node.op == "=":
        for field, value in ((node.left, node.right), (node.right, node.left)):
            if (
                isinstance(field, Field)
                and field.name in INDUSTRY_FIELDS
                and isinstance(value, Const)
            ):
                found.append((field.name, str(value.value)))
    elif positive and isinstance(node, InList) and not node.negated:
        if isinstance(node.operand, Field) and node.operand.name in INDUSTRY_FIELDS:
            found += [(node.operand.name, str(v.value)) for v in node.values]
    else:
        for child in node.children():
            found += _required_values(child, positive)
    return found


def rule_industries(sql: str) -> tuple[str, ...]:
    """The GB/T 4754 sections a rule requires (C for 制造业), or () when it names none."""
    try:
        tree = compiled(sql).tree
    except RuleError:
        return ()
    sections: set[str] = set()
    divisions: set[str] = set()
    for name, value in _required_values(tree):
        if name == "industry_division":
            divisions.add(value[:2])
        elif value[:1].isalpha():
            sections.add(value[:1].upper())
    if divisions:
        for code in Industry.objects.filter(code__regex=r"^[A-Z][0-9]{2}$").values_list(
            "code", flat=True
        ):
            if code[1:] in divisions:
                sections.add(code[0])
    return tuple(sorted(sections))


def _document(policy: Policy) -> IndexedText | None:
    if policy.state != PolicyState.PUBLISHED:
        return None
    version = policy.versions.first()
    body = "\n".join(
        part
        for part in (
            policy.summary,
            policy.benefit,
            policy.document_number,
            policy.article,
            policy.full_text,
        )
        if part
    )
    return IndexedText(
        key=str(policy.pk),
        title=policy.title,
        body=body,
        url=reverse("policies:detail", args=[policy.code]),
        department_code=policy.department.code,
        department_name=policy.department.name,
        delivery=policy.delivery,
        industries=rule_industries(version.sql) if version else (),
        updated_at=policy.updated_at,
    )


def _eligibility(user: User, keys: list[str]) -> dict[str, ResultNote]:
    enterprise = enterprise_of(user)
    if enterprise is None:
        return {}
    outcomes = dict(
        Match.objects.filter(
            enterprise=enterprise, policy_id__in=[int(k) for k in keys]
        ).values_list("policy_id", "outcome")
    )
    notes = {}
    for key in keys:
        outcome = outcomes.get(int(key), Outcome.NOT_ELIGIBLE)
        if outcome == Outcome.ELIGIBLE:
            notes[key] = ResultNote(_("Your enterprise is eligible"), "eligible")
        elif outcome == Outcome.UNKNOWN:
            notes[key] = ResultNote(_("Possibly eligible: data missing"), "unknown")
        else:
            notes[key] = ResultNote(_("Not eligible on current data"), "not-eligible")
    return notes


def _industry_choices() -> list[tuple[str, str]]:
    return list(
        Industry.objects.filter(code__regex=r"^[A-Z]$").order_by("code").values_list("code", "name")
    )


def register_search_source() -> None:
    register_source(
        SearchSource(
            kind="policy",
            label=gettext_lazy("Policy"),
            model=Policy,
            document=_document,
            objects=lambda: Policy.objects.select_related("department").order_by("pk"),
            notes=_eligibility,
            alerts_saved_searches=True,
            depends_on=((RuleVersion, lambda version: version.policy),),
            filter_choices=(
                ("delivery", lambda: [(str(v), str(n)) for v, n in Delivery.choices]),
                ("industry", _industry_choices),
            ),
            order=10,
        )
    )
