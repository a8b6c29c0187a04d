"""The vectorised executor: a pack shares its sub-expressions (each computed once) without
changing any rule's result, counts eligible and unknown rows, treats NaN as missing, and reads
chunked Arrow tables whose chunks have their own dictionaries."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinqi.rules import Rule, Vocabulary, compile_rule, evaluate
from jinqi.rules.tests.support import VOCABULARY, arrow_table, profiles, rules
from jinqi.rules.tree import Const, Field, Node
from jinqi.rules.vector import Snapshot, _Evaluator, evaluate_pack, evaluate_rows

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[Node]]:
    """A spy on the vectorised executor: how many times each node was computed."""
    calls: Counter[Node] = Counter()
    original = _Evaluator.compute

    def spy(self: _Evaluator, node: Node) -> Any:
        calls[node] += 1
        return original(self, node)

    monkeypatch.setattr(_Evaluator, "compute", spy)
    yield calls


def pack_results(pack: list[Rule], snapshot: Snapshot) -> tuple[Any, list[list[bool]]]:
    masks: list[list[bool]] = [[] for _ in pack]

    def collect(index: int, true: np.ndarray) -> None:
        assert true.dtype == np.bool_ and true.shape == (snapshot.rows,)
        masks[index] = true.tolist()

    counts = evaluate_pack(pack, snapshot, collect)
    return counts, masks


def compile_all(texts: list[str], vocabulary: Vocabulary = VOCABULARY) -> list[Rule]:
    return [compile_rule(text, vocabulary) for text in texts]


SMALL = pa.table(
    {
        "i": pa.array([5, 20, None, 11, 0], pa.int64()),
        "b": pa.array([True, None, False, True, None]),
        "c": pa.array([False, True, True, None, False]),
    }
)
SMALL_VOCABULARY = Vocabulary.from_arrow_schema(SMALL.schema)


def test_shared_comparison_is_computed_once(computed: Counter[Node]) -> None:
    """A comparison used by three rules of a pack is computed once for the whole pack."""
    pack = compile_all(["i > 10 AND b", "i > 10 OR c", "NOT (i > 10)"], SMALL_VOCABULARY)
    shared = compile_rule("i > 10", SMALL_VOCABULARY).tree
    evaluate_pack(pack, Snapshot(SMALL))
    assert computed[shared] == 1
    for rule in pack:
        assert computed[rule.tree] == 1


def test_shared_derived_field_is_computed_once(computed: Counter[Node]) -> None:
    """A derived field read by several rules is computed once, its parts too."""
    vocabulary = SMALL_VOCABULARY.with_derived({"big": "i * 2 > 20"})
    pack = compile_all(["big AND b", "big OR c", "big IS NULL", "NOT big"], vocabulary)
    evaluate_pack(pack, Snapshot(SMALL))
    derived = vocabulary.derived["big"]
    assert computed[derived] == 1
    assert all(count == 1 for node, count in computed.items() if node in set(derived.walk()))


def test_pack_results_equal_rule_by_rule_results() -> None:
    """Counts and eligible rows of a pack are those of each rule evaluated alone."""
    pack = compile_all(
        ["i > 10 AND b", "i > 10 OR c", "NOT (i > 10)", "b IS NOT TRUE"], SMALL_VOCABULARY
    )
    counts, masks = pack_results(pack, Snapshot(SMALL))
    assert counts.eligible == [1, 3, 2, 3]
    assert counts.unknown == [1, 0, 1, 0]
    for k, rule in enumerate(pack):
        alone = evaluate_rows(rule, Snapshot(SMALL))
        assert masks[k] == [decision is True for decision in alone]
        assert counts.eligible[k] == alone.count(True)
        assert counts.unknown[k] == alone.count(None)


@PROPERTY
@given(
    texts=st.lists(rules, min_size=1, max_size=8), rows=profiles, repeat=st.sampled_from([1, 9, 17])
)
def test_pack_sharing_never_changes_a_result(
    texts: list[str], rows: list[dict[str, Any]], repeat: int
) -> None:
    """For any pack, shared evaluation gives each rule the counts and rows it has alone, and
    computes no node twice (tables past 64 rows cross bitset words)."""
    rows = (rows * repeat)[: max(1, len(rows) * repeat - 1)]
    table = arrow_table(rows, chunks=2)
    pack = compile_all(texts)
    calls: Counter[Node] = Counter()
    original = _Evaluator.compute

    def spy(self: _Evaluator, node: Node) -> Any:
        calls[node] += 1
        return original(self, node)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Evaluator, "compute", spy)
        counts, masks = pack_results(pack, Snapshot(table))
    assert all(n == 1 for node, n in calls.items() if not isinstance(node, Const | Field))
    for k, rule in enumerate(pack):
        python = [evaluate(rule, row) for row in rows]
        assert evaluate_rows(rule, Snapshot(table)) == python
        assert masks[k] == [decision is True for decision in python]
        assert counts.eligible[k] == python.count(True)
        assert counts.unknown[k] == python.count(None)


@pytest.mark.parametrize("size", [1, 63, 64, 65, 127, 128, 129, 1000])
def test_counts_at_bitset_word_boundaries(size: int) -> None:
    """Counts and row lists are exact whatever the table's size relative to 64-row words."""
    values = np.arange(size)
    table = pa.table(
        {
            "i": pa.array(values, pa.int64(), mask=values % 7 == 3),
            "b": pa.array(values % 2 == 0, mask=values % 5 == 1),
        }
    )
    vocabulary = Vocabulary.from_arrow_schema(table.schema)
    pack = compile_all(["i >= 0", "b", "NOT b", "i > 10 OR b", "TRUE", "FALSE"], vocabulary)
    counts, masks = pack_results(pack, Snapshot(table))
    for k, rule in enumerate(pack):
        python = [evaluate(rule, row) for row in table.to_pylist()]
        assert counts.eligible[k] == python.count(True)
        assert counts.unknown[k] == python.count(None)
        assert masks[k] == [d is True for d in python]
    assert counts.eligible[4] == size and counts.eligible[5] == 0


def test_constant_rules_hold_for_every_row() -> None:
    """A rule over constants alone (even through CASE) decides every row alike."""
    pack = compile_all(
        [
            "1 = 1",
            "CASE WHEN TRUE THEN TRUE END",
            "(CASE WHEN 1 = 1 THEN 1 ELSE 2 END) = 1",
            "'a' = 'b'",
        ],
        SMALL_VOCABULARY,
    )
    counts, masks = pack_results(pack, Snapshot(SMALL))
    assert counts.eligible == [5, 5, 5, 0]
    assert masks[1] == [True] * 5
    assert evaluate_rows(pack[1], Snapshot(SMALL)) == [True] * 5


def test_empty_table() -> None:
    """A table without rows gives zero counts and no rows."""
    table = SMALL.slice(0, 0)
    pack = compile_all(["i > 1", "TRUE"], SMALL_VOCABULARY)
    counts, masks = pack_results(pack, Snapshot(table))
    assert (counts.eligible, counts.unknown, masks) == ([0, 0], [0, 0], [[], []])
    assert evaluate_rows(pack[0], Snapshot(table)) == []


@pytest.mark.parametrize("kind", [pa.float64(), pa.float32()])
def test_nan_is_missing(kind: pa.DataType) -> None:
    """NaN in a number column is missing data: IS NULL holds and comparisons are unknown."""
    table = pa.table({"n": pa.array([1.5, math.nan, None, -2.0], kind)})
    vocabulary = Vocabulary.from_arrow_schema(table.schema)
    expected = {
        "n IS NULL": [False, True, True, False],
        "n > 0": [True, None, None, False],
        "n > 0 OR n <= 0": [True, None, None, True],
        "COALESCE(n, 7) = 7": [False, True, True, False],
        "n * 0 = 0": [True, None, None, True],
    }
    for text, decisions in expected.items():
        rule = compile_rule(text, vocabulary)
        assert evaluate_rows(rule, Snapshot(table)) == decisions, text
        assert [evaluate(rule, row) for row in table.to_pylist()] == decisions, text
    counts = evaluate_pack(compile_all(list(expected), vocabulary), Snapshot(table))
    assert counts.eligible == [2, 1, 2, 2, 2]
    assert counts.unknown == [0, 2, 2, 0, 2]


def test_chunks_with_different_dictionaries() -> None:
    """Text columns whose chunks carry different dictionaries compare as their strings."""
    first = pa.record_batch(
        {"t": pa.array(["a", "b", None]).dictionary_encode(), "s": pa.array(["b", None, "x"])}
    )
    second = pa.record_batch(
        {"t": pa.array(["c", "b", "金"]).dictionary_encode(), "s": pa.array(["c", "a", "金"])}
    )
    table = pa.Table.from_batches([first, second])
    assert table.column("t").num_chunks == 2
    assert table.column("t").chunk(0).dictionary != table.column("t").chunk(1).dictionary
    vocabulary = Vocabulary.from_arrow_schema(table.schema)
    assert vocabulary.categorical == frozenset({"t"})
    texts = [
        "t = 'b'",
        "t <> 'c'",
        "t = s",
        "t <> s",
        "t IN ('a', 'c')",
        "t NOT IN ('金')",
        "t LIKE '_'",
        "t NOT LIKE 'b%'",
        "COALESCE(t, s) = 'x'",
        "CASE WHEN t = 'a' THEN s ELSE t END = 'b'",
        "t = 'zzz'",
    ]
    rows = table.to_pylist()
    pack = compile_all(texts, vocabulary)
    counts = evaluate_pack(pack, Snapshot(table))
    for k, rule in enumerate(pack):
        python = [evaluate(rule, row) for row in rows]
        assert evaluate_rows(rule, Snapshot(table)) == python, texts[k]
        assert (counts.eligible[k], counts.unknown[k]) == (python.count(True), python.count(None))
    assert [evaluate(pack[0], row) for row in rows] == [False, True, None, False, True, False]


def test_dictionary_with_a_repeated_value() -> None:
    """A dictionary that holds a value twice (Arrow allows it) still matches every row of it."""
    codes = pa.array([0, 1, None, 2], pa.int32())
    table = pa.table({"t": pa.DictionaryArray.from_arrays(codes, pa.array(["a", "a", "b"]))})
    vocabulary = Vocabulary.from_arrow_schema(table.schema)
    for text, expected in {
        "t = 'a'": [True, True, None, False],
        "t <> 'a'": [False, False, None, True],
        "t IN ('a')": [True, True, None, False],
    }.items():
        assert evaluate_rows(compile_rule(text, vocabulary), Snapshot(table)) == expected, text


def test_dictionary_with_a_null_value() -> None:
    """A null in the dictionary itself (Arrow allows it) is missing data like a null code."""
    codes = pa.array([0, 1, None, 2], pa.int32())
    table = pa.table({"t": pa.DictionaryArray.from_arrays(codes, pa.array(["ab", None, "b"]))})
    vocabulary = Vocabulary.from_arrow_schema(table.schema)
    for text, expected in {
        "t = 'ab'": [True, None, None, False],
        "t IS NULL": [False, True, True, False],
        "t LIKE 'a%'": [True, None, None, False],
        "t NOT IN ('b')": [True, None, None, False],
    }.items():
        rule = compile_rule(text, vocabulary)
        assert evaluate_rows(rule, Snapshot(table)) == expected, text
        assert [evaluate(rule, row) for row in table.to_pylist()] == expected, text


def test_columns_of_other_arrow_types() -> None:
    """Narrow integers, float32, decimals, large strings and date64 read as their rule types."""
    import datetime
    from decimal import Decimal

    table = pa.table(
        {
            "a": pa.array([1, None, 3], pa.int8()),
            "x": pa.array([Decimal("1.25"), Decimal("2.50"), None], pa.decimal128(5, 2)),
            "w": pa.array(["p", None, "q"], pa.large_string()),
            "d": pa.array(
                [datetime.datetime(2024, 1, 1), None, datetime.datetime(2024, 3, 1)], pa.date64()
            ),
        }
    )
    vocabulary = Vocabulary.from_arrow_schema(table.schema)
    rows = table.to_pylist()
    for text in ["a + x > 2", "w = 'q'", "d > '2024-02-01'", "x * 2 = 2.5", "a IN (1, 3)"]:
        rule = compile_rule(text, vocabulary)
        assert evaluate_rows(rule, Snapshot(table)) == [evaluate(rule, row) for row in rows], text
