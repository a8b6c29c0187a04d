"""An existing rule opens in the builder as the rows it was made of; only what rows cannot say
stays as text, and rows plus text give the same rule back."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.policies import selectors
from jinqi.policies.rule_rows import BuilderRow, rule_rows
from jinqi.policies.tests.test_views import _policy
from jinqi.registry.rules_vocabulary import rules_vocabulary
from jinqi.rules import compile_rule

OFFERED = {f.key for f in selectors.builder_fields()}


def _as_the_builder_writes(row: BuilderRow) -> str:
    """The rule text the builder's script makes of a row (rule-builder.js, `condition`)."""
    if row.op == "true":
        return row.field
    if row.op == "false":
        return f"NOT {row.field}"
    if row.op == "not_true":
        return f"{row.field} IS NOT TRUE"
    if row.op == "in":
        items = ", ".join(f"'{v.strip()}'" for v in row.value.split(","))
        return f"{row.field} IN ({items})"
    value = row.value if re.fullmatch(r"-?\d+(\.\d+)?", row.value) else f"'{row.value}'"
    return f"{row.field} {row.op} {value}"


@pytest.mark.parametrize(
    ("sql", "same_as"),
    [
        ("employees <= 30", ""),
        ("in_abnormal_list IS NOT TRUE AND employees >= 1", ""),
        (
            "300 >= employees AND is_high_tech AND NOT in_abnormal_list",
            "employees <= 300 AND is_high_tech AND NOT in_abnormal_list",
        ),
        (
            "town IN ('park-jinshan-industrial', 'town-zhujing')"
            " AND established_on >= '2020-01-01'",
            "",
        ),
        ("tax_credit_level = 'A' AND revenue > 2.5", ""),
    ],
)
def test_a_rule_of_simple_conditions_opens_as_rows_only(sql: str, same_as: str) -> None:
    """Every condition is a row (a comparison written value-first is read field-first); the
    rows written back are the same rule."""
    opened = rule_rows(sql, OFFERED)
    assert opened.rest == [] and opened.rows
    rebuilt = " AND ".join(_as_the_builder_writes(r) for r in opened.rows)
    vocabulary = rules_vocabulary()
    assert compile_rule(rebuilt, vocabulary).tree == compile_rule(same_as or sql, vocabulary).tree


def test_what_rows_cannot_say_stays_text_and_keeps_its_meaning() -> None:
    """An OR and arithmetic stay as text (the OR in parentheses); the rest are rows; together
    they give the rule back."""
    sql = "employees <= 30 AND (is_high_tech OR tech_staff >= 10) AND revenue / 2 > 100"
    opened = rule_rows(sql, OFFERED)
    assert [r.field for r in opened.rows] == ["employees"]
    assert len(opened.rest) == 2 and opened.rest[0].startswith("(")
    rebuilt = " AND ".join([*(_as_the_builder_writes(r) for r in opened.rows), *opened.rest])
    vocabulary = rules_vocabulary()
    assert compile_rule(rebuilt, vocabulary).tree == compile_rule(sql, vocabulary).tree


def test_a_rule_that_does_not_parse_is_all_text() -> None:
    """Nothing is guessed from a broken rule."""
    assert rule_rows("employees <=", OFFERED).rows == []
    assert rule_rows("employees <=", OFFERED).rest == ["employees <="]


@pytest.mark.django_db
def test_the_policy_page_opens_the_saved_rule_as_rows() -> None:
    """The editor carries the rows for the builder's script."""
    policy = _policy(sql="employees <= 300 AND tech_staff >= 10")
    client = Client()
    client.force_login(department_user("science"))
    page = client.get(reverse("policies:edit", args=[policy.code])).content.decode()
    opened = re.search(r'id="rule-builder-opened"[^>]*>(.*?)</script>', page, re.S)
    assert opened is not None
    assert json.loads(opened.group(1)) == {
        "rows": [
            {"field": "employees", "op": "<=", "value": "300"},
            {"field": "tech_staff", "op": ">=", "value": "10"},
        ],
        "rest": [],
    }
