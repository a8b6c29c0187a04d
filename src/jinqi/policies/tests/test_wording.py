"""A rule's conditions in words: every node kind of the rules language reads as Chinese with the
vocabulary's labels and units, never as a field key or an operator."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from jinqi.policies.evaluation import compiled
from jinqi.registry.vocabulary import FIELDS
from jinqi.registry.wording import readable
from jinqi.rules.tree import conditions

# (a condition in the rules language, how a person reads it)
TABLE = [
    ("NOT in_abnormal_list", "列入经营异常名录：否"),
    ("in_abnormal_list IS NOT TRUE", "列入经营异常名录：否（无数据时同样视为否）"),
    ("NOT (in_abnormal_list IS TRUE)", "列入经营异常名录：否（无数据时同样视为否）"),
    ("in_abnormal_list IS FALSE", "列入经营异常名录：否"),
    ("employees <= 30", "从业人数（年平均） ≤ 30 人"),
    ("NOT (employees > 30)", "从业人数（年平均） ≤ 30 人"),
    ("revenue IS NULL", "营业收入（上年度）：暂无数据"),
    ("employees BETWEEN 10 AND 20", "从业人数（年平均） 在 10 人 至 20 人 之间"),
    ("tax_credit_level NOT IN ('A', 'B')", "纳税信用等级 不属于 A、B"),
    ("tax_credit_level LIKE 'A%'", "纳税信用等级以“A”开头"),
    ("revenue - 100 >= 5", "（营业收入（上年度） － 100） ≥ 5 万元"),
    ("abs(revenue) > 1", "营业收入（上年度）的绝对值 > 1 万元"),
]


@pytest.mark.parametrize(("rule", "words"), TABLE)
def test_a_condition_reads_as_chinese(rule: str, words: str) -> None:
    """Each form of condition reads as the table says, in Chinese."""
    with translation.override("zh-hans"):
        [condition] = conditions(compiled(rule).tree)
        assert readable(condition) == words


def test_no_condition_of_the_rules_language_shows_a_key_or_an_operator() -> None:
    """Negations, nulls, CASE, functions and nested logic all read without a field key or an
    SQL word."""
    rule = compiled(
        "NOT (employees > 5 OR revenue < 3) AND coalesce(revenue, 0) >= 1 "
        "AND rd_expense_3y >= CASE WHEN revenue <= 5000 THEN 0.05 ELSE 0.03 END "
        "AND greatest(employees, tech_staff) > 1 AND established_on IS NOT NULL"
    )
    keys = {spec.key for spec in FIELDS}
    with translation.override("zh-hans"):
        for condition in conditions(rule.tree):
            words = readable(condition)
            assert not re.search(r"\b(NOT|IS|NULL|TRUE|CASE|WHEN|AND|OR)\b", words), words
            assert not keys & set(re.findall(r"[a-z_0-9]+", words)), words
