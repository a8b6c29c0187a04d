"""The 双随机 sample (inspections.sampling): ceil in decimal arithmetic, the refusals, and
reproducibility from the seed."""

from __future__ import annotations

import hashlib
import random
from decimal import ROUND_CEILING, Decimal

import pytest
from django.utils import translation

from jinqi.inspections.sampling import (
    Member,
    SampleRefusedError,
    parse_ratios,
    population_hash,
    sample,
    sample_size,
)
from jinqi.registry.uscc import generate_uscc


def population(counts: dict[str, int], seed: int = 1) -> list[Member]:
    rng = random.Random(seed)
    return [Member(cls, generate_uscc(rng)) for cls, n in counts.items() for _ in range(n)]


RATIOS = parse_ratios("A=0.02,B=0.05,C=0.3,D=1")


@pytest.mark.parametrize(
    ("ratio", "count", "size"),
    [
        ("0.07", 100, 7),  # 0.07 × 100 in binary floating point is 7.000000000000001
        ("0.02", 1, 1),
        ("0.02", 50, 1),
        ("0.02", 51, 2),
        ("0.3", 10, 3),
        ("0.3", 11, 4),
        ("1", 13, 13),
        ("0.05", 0, 0),
        ("0.29", 100, 29),  # 0.29 × 100 in floating point is 28.999999999999996
    ],
)
def test_sample_size_is_ceil_in_decimals(ratio: str, count: int, size: int) -> None:
    """The size of each class's sample is ceil(ratio × count), computed exactly."""
    assert sample_size(Decimal(ratio), count) == size


def test_sample_draws_exactly_the_size_of_each_class_sorted() -> None:
    """Each class gives ceil(ratio × count) members, output sorted by class then code."""
    drawn = sample(population({"A": 100, "B": 40, "C": 11, "D": 3}), RATIOS, 42)
    counts = {cls: sum(m.credit_class == cls for m in drawn) for cls in "ABCD"}
    assert counts == {"A": 2, "B": 2, "C": 4, "D": 3}
    assert drawn == sorted(drawn)


def test_same_seed_same_sample_and_input_order_does_not_matter() -> None:
    """The same seed draws the same members, however the population is ordered; another seed
    draws others."""
    members = population({"A": 200, "B": 100, "C": 30, "D": 5})
    shuffled = list(members)
    random.Random(9).shuffle(shuffled)
    assert sample(members, RATIOS, 7) == sample(shuffled, RATIOS, 7)
    assert sample(members, RATIOS, 7) != sample(members, RATIOS, 8)


def test_sample_follows_the_documented_algorithm() -> None:
    """The documented steps, written out independently, give the same list (docs/inspections.md)."""
    members = population({"A": 60, "C": 20, "D": 2})
    rng = random.Random(2025)
    expected = []
    for cls, ratio in (("A", "0.02"), ("C", "0.3"), ("D", "1")):
        codes = sorted(m.uscc for m in members if m.credit_class == cls)
        k = (Decimal(ratio) * len(codes)).to_integral_value(rounding=ROUND_CEILING)
        expected += [(cls, code) for code in rng.sample(codes, int(k))]
    drawn = sample(members, RATIOS, 2025)
    assert [(m.credit_class, m.uscc) for m in drawn] == sorted(expected)


GOOD = population({"A": 3, "B": 2})


@pytest.mark.parametrize(
    ("members", "ratios", "message"),
    [
        (GOOD, "A=0.02,C=0.3,D=1", "没有给出B类的比例"),
        (GOOD, "A=0.02,B=1.5,C=1,D=1", "B类的比例必须在0到1之间"),
        (GOOD, "A=0,B=0.05,C=0.3,D=1", "A类也须抽查"),
        (GOOD, "A=0.5,B=0.05,C=0.3,D=1", "B类的比例不得低于A类"),
        (GOOD, "A=0.02,B=0.05,C=0.3,D=0.2", "D类的比例不得低于C类"),
        (GOOD, "A=0.02,B=0.05,E=0.3", "“E”不是信用风险分类"),
        (GOOD, "A=0.02,B=-0.05", "B类的比例必须在0到1之间"),
        (GOOD, "A=abc,B=0.05", "不是数字"),
        (GOOD, "A=0.02,A=0.05", "重复"),
        (GOOD, "A0.02", "不是比例"),
        ([Member("E", GOOD[0].uscc)], "A=0.02", "未知的信用风险分类"),
        ([Member("A", "91310116MA1FL0XQ2X")], "A=0.02", "不是有效的统一社会信用代码"),
        ([GOOD[0], GOOD[0]], "A=0.02", "重复出现"),
    ],
)
def test_sample_refusals(members: list[Member], ratios: str, message: str) -> None:
    """Bad ratios or a bad population are refused with a clear Chinese message."""
    with translation.override("zh-hans"), pytest.raises(SampleRefusedError) as refused:
        sample(members, parse_ratios(ratios), 1)
    assert message in str(refused.value)


def test_ratio_for_an_absent_class_is_not_needed() -> None:
    """A class the population does not have needs no ratio."""
    assert len(sample(population({"A": 3}), parse_ratios("A=0.5"), 1)) == 2


def test_population_hash_is_of_sorted_codes_one_per_line() -> None:
    """The published hash is SHA-256 of the sorted codes, each followed by LF."""
    codes = ["B2", "A1"]
    assert population_hash(codes) == hashlib.sha256(b"A1\nB2\n").hexdigest()
