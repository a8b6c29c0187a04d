"""The shipped policies: each boundary case of catalogue/*.toml decided as its file says, by the
Python executor (with explanations) and by the vectorised one over all cases at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from jinqi.policies.amounts import amount_compute, amount_sql, amount_tree, parameters_on
from jinqi.policies.catalogue_sync import ShippedPolicy, shipped_policies
from jinqi.policies.evaluation import compiled, prepared_profile
from jinqi.policies.snapshot import profiles_snapshot
from jinqi.registry.models import Profile
from jinqi.registry.profile import PROFILE_KEYS
from jinqi.registry.rules_vocabulary import rules_vocabulary
from jinqi.registry.tests.factories import enterprise
from jinqi.rules import explain
from jinqi.rules.types import FieldType
from jinqi.rules.vector import Snapshot, evaluate_numbers, evaluate_rows

SHIPPED = shipped_policies()
EXPECTED = {"eligible": True, "not_eligible": False, "unknown": None}
REQUIRED = {
    "small-low-profit-cit",
    "high-tech-recognition",
    "tech-sme",
    "disability-fund-exemption",
    "job-retention-refund",
    "rd-super-deduction",
}
ARROW = {
    FieldType.BOOLEAN: pa.bool_(),
    FieldType.INTEGER: pa.int64(),
    FieldType.NUMBER: pa.float64(),
    FieldType.TEXT: pa.string(),
    FieldType.DATE: pa.date32(),
}


def test_the_catalogue_ships_every_required_policy_with_cases() -> None:
    """POLICIES.md's policies are all shipped, each with a citation and boundary cases."""
    codes = {p.code for p in SHIPPED}
    assert codes >= REQUIRED
    for shipped in SHIPPED:
        assert shipped.data["document_number"], shipped.code
        assert len(shipped.cases) >= 3, shipped.code
        # Linked to the text its clauses were checked against (issue #19).
        assert shipped.data.get("source_url", "").startswith("http"), shipped.code
        assert any(c.expected == "unknown" for c in shipped.cases), shipped.code


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.code)
def test_each_case_is_decided_as_the_catalogue_says(shipped: ShippedPolicy) -> None:
    """Python executor: every boundary case gives its expected decision."""
    rule = compiled(shipped.rule)
    missing_named = False
    for case in shipped.cases:
        explanation = explain(rule, prepared_profile(case.profile, case.as_of))
        assert explanation.eligible is EXPECTED[case.expected], case.name
        missing_named |= bool(explanation.missing)
    # At least one case is unknown for lack of data, and says which data (a zero denominator
    # is unknown too, with nothing missing).
    assert missing_named


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.code)
def test_the_vectorised_executor_agrees_on_every_case(shipped: ShippedPolicy) -> None:
    """All of a policy's cases as one columnar table: the same decisions, row by row."""
    rule = compiled(shipped.rule)
    rows = [prepared_profile(c.profile, c.as_of) for c in shipped.cases]
    table = _table(rows)
    decisions = evaluate_rows(rule, Snapshot(table))
    assert decisions == [EXPECTED[c.expected] for c in shipped.cases]


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    fields = rules_vocabulary().fields
    columns = {}
    for name, kind in fields.items():
        values = [_typed(row.get(name), kind) for row in rows]
        columns[name] = pa.array(values, type=ARROW[kind])
    return pa.table(columns)


def _typed(value: Any, kind: FieldType) -> Any:
    if value is None:
        return None
    if kind is FieldType.NUMBER:
        return float(value)
    if kind is FieldType.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.code)
def test_the_matching_snapshot_agrees_on_every_case(shipped: ShippedPolicy) -> None:
    """Each case stored as an enterprise's profile and read back as matching reads it (the
    columnar snapshot, derived for the case's date): the same decisions, row by row."""
    rule = compiled(shipped.rule)
    stored_by_case = []
    for case in shipped.cases:
        firm = enterprise()
        derived = prepared_profile(case.profile, case.as_of)
        stored = {key: derived.get(key) for key in PROFILE_KEYS if key != "uscc"}
        Profile.objects.filter(enterprise=firm).update(**stored)
        stored_by_case.append(firm.pk)
    on_date: dict[dt.date, dict[int, bool | None]] = {}
    for day in {case.as_of for case in shipped.cases}:
        ids, snapshot = profiles_snapshot(list(rules_vocabulary().fields), day)
        on_date[day] = dict(zip(ids, evaluate_rows(rule, snapshot), strict=True))
    decisions = [
        on_date[case.as_of][firm_id]
        for case, firm_id in zip(shipped.cases, stored_by_case, strict=True)
    ]
    assert decisions == [EXPECTED[c.expected] for c in shipped.cases]


# Amounts from the profile alone; an amount read from an application's figures has its own
# table (`amount_cases`, below).
AMOUNTED = [p for p in SHIPPED if "amount" in p.data and not p.data["amount"].get("answers")]
ON_APPLICATIONS = [p for p in SHIPPED if p.data.get("amount", {}).get("answers")]


def _amount_args(shipped: ShippedPolicy) -> dict[str, Any]:
    data = shipped.policy_data()
    return {
        "expression": data.amount_expression,
        "calculation": data.amount_calculation,
        "parameters": data.parameters or [],
    }


@pytest.mark.django_db  # the inputs name the departments that supplied them
@pytest.mark.parametrize("shipped", AMOUNTED, ids=lambda p: p.code)
def test_each_case_is_paid_the_amount_the_catalogue_says(shipped: ShippedPolicy) -> None:
    """Python executor: an eligible case with an amount gets it to the yuan, with its
    calculation in words; a case that is not eligible gets none."""
    rule = compiled(shipped.rule)
    assert any(c.amount is not None for c in shipped.cases)
    for case in shipped.cases:
        profile = prepared_profile(case.profile, case.as_of)
        eligible = explain(rule, profile).eligible
        amount = amount_compute(
            **_amount_args(shipped), profile=profile, as_of=case.as_of, eligible=eligible
        )
        if case.amount is None:
            assert amount.value is None or eligible is True, case.name
        else:
            assert amount.value == Decimal(str(case.amount)).quantize(Decimal("0.0001")), case.name
            assert "万元" in amount.calculation and "{" not in amount.calculation, case.name
        if eligible is not True:
            assert amount.value is None, case.name


@pytest.mark.parametrize("shipped", AMOUNTED, ids=lambda p: p.code)
def test_the_vectorised_executor_computes_the_same_amounts(shipped: ShippedPolicy) -> None:
    """All of a policy's amounted cases as one columnar table: the same amounts, row by row."""
    cases = [c for c in shipped.cases if c.amount is not None]
    by_date = {c.as_of for c in cases}
    for day in by_date:
        on_day = [c for c in cases if c.as_of == day]
        args = _amount_args(shipped)
        tree = amount_tree(amount_sql(args["expression"], parameters_on(args["parameters"], day)))
        table = _table([prepared_profile(c.profile, c.as_of) for c in on_day])
        values = evaluate_numbers(tree, Snapshot(table))
        assert [round(v, 4) if v is not None else None for v in values] == [
            c.amount for c in on_day
        ]


def _application_amounts(shipped: ShippedPolicy) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    answers = tuple(sorted(shipped.data["amount"]["answers"]))
    return answers, shipped.data["amount_cases"]


@pytest.mark.django_db  # the inputs name the departments that supplied them
@pytest.mark.parametrize("shipped", ON_APPLICATIONS, ids=lambda p: p.code)
def test_an_amount_on_an_application_is_computed_at_its_boundaries(shipped: ShippedPolicy) -> None:
    """Python executor, the amount computed from an application's figures: each boundary case of
    the file (金经委规〔2023〕2号 第3条: 499.9999 / 500 / 3000 / 3000.0001 万元) to the yuan,
    with its calculation in words; no amount while a figure it needs is missing."""
    answers, cases = _application_amounts(shipped)
    assert len(cases) >= 4
    for case in cases:
        figures = {key: case["answers"].get(key) for key in answers}
        amount = amount_compute(
            **_amount_args(shipped),
            profile={**prepared_profile({}, dt.date(2026, 6, 30)), **figures},
            as_of=dt.date(2026, 6, 30),
            eligible=True,
            answers={key: key for key in answers},
        )
        expected = case.get("amount")
        if expected is None:
            assert amount.value is None, case["name"]
            continue
        assert amount.value == Decimal(str(expected)).quantize(Decimal("0.0001")), case["name"]
        assert "万元" in amount.calculation and "{" not in amount.calculation, case["name"]


@pytest.mark.parametrize("shipped", ON_APPLICATIONS, ids=lambda p: p.code)
def test_the_vectorised_executor_computes_the_same_application_amounts(
    shipped: ShippedPolicy,
) -> None:
    """The same boundary cases as one columnar table with the application's figures as columns:
    the same amounts (None where a figure is missing), row by row."""
    answers, cases = _application_amounts(shipped)
    args = _amount_args(shipped)
    tree = amount_tree(
        amount_sql(args["expression"], parameters_on(args["parameters"], dt.date(2026, 6, 30))),
        answers,
    )
    table = _table([{} for _case in cases])
    for key in answers:
        figures = [case["answers"].get(key) for case in cases]
        table = table.append_column(key, pa.array(figures, type=pa.float64()))
    values = evaluate_numbers(tree, Snapshot(table))
    assert [round(v, 4) if v is not None else None for v in values] == [
        case.get("amount") for case in cases
    ]
