"""The 双随机 sample of enterprises, as a pure function (docs/inspections.md, "The sample").

For the classes A, B, C, D in turn, the class's population sorted by code is sampled with
`random.Random(seed).sample(members, k)`, one generator created once for the whole draw, with
k = ceil(ratio × class count) computed in decimal arithmetic (0.07 × 100 is 7, not 7.000…01).
The result is sorted by class, then code. Anyone with Python ≥ 3.11 and the same population and
seed gets the same list; the draw service, the lead office's re-run and `jinqi inspections
sample` all call `sample` here."""

from __future__ import annotations

import hashlib
import itertools
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from jinqi.registry.uscc import check_uscc

# The name and version of the algorithm above, recorded on every draw: a change of any step
# (order, generator, rounding) is a new version, so old draws still re-run as they were.
ALGORITHM = "jinqi-sample-1"
CLASSES = ("A", "B", "C", "D")


class SampleRefusedError(ValueError):
    """The population or the ratios cannot be sampled; the message says why, in the user's
    language."""


@dataclass(frozen=True, order=True)
class Member:
    """An enterprise of the population: its credit class and code (ordered class, then code)."""

    credit_class: str
    uscc: str


def parse_ratios(text: str) -> dict[str, Decimal]:
    """`A=0.02,B=0.05,C=0.3,D=1` as decimals, or SampleRefusedError."""
    ratios: dict[str, Decimal] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SampleRefusedError(
                _("“%(part)s” is not a ratio; write it as A=0.02,B=0.05,C=0.3,D=1.")
                % {"part": part}
            )
        if name in ratios:
            raise SampleRefusedError(
                _("The ratio of class %(cls)s is given twice.") % {"cls": name}
            )
        try:
            ratio = Decimal(value.strip())
        except InvalidOperation:
            ratio = Decimal("NaN")
        if not ratio.is_finite():
            raise SampleRefusedError(
                _("The ratio of class %(cls)s, “%(value)s”, is not a number.")
                % {"cls": name, "value": value.strip()}
            )
        ratios[name] = ratio
    return ratios


def check_ratios(ratios: Mapping[str, Decimal], present: Iterable[str]) -> None:
    """Refuse ratios that are unknown classes, missing for a class present, negative or above
    1, zero for A, or lower for a riskier class than for a safer one."""
    for name in ratios:
        if name not in CLASSES:
            raise SampleRefusedError(
                _("“%(cls)s” is not a credit class (the classes are A, B, C and D).")
                % {"cls": name}
            )
    missing = [name for name in CLASSES if name in set(present) and name not in ratios]
    if missing:
        raise SampleRefusedError(
            _("No ratio is given for class %(classes)s, which the population has.")
            % {"classes": "、".join(missing)}
        )
    for name, ratio in ratios.items():
        if ratio < 0 or ratio > 1:
            raise SampleRefusedError(
                _("The ratio of class %(cls)s must lie between 0 and 1; it is %(ratio)s.")
                % {"cls": name, "ratio": ratio}
            )
    if "A" in ratios and ratios["A"] == 0:
        raise SampleRefusedError(_("Class A must be sampled too: its ratio must be above zero."))
    given = [name for name in CLASSES if name in ratios]
    for safer, riskier in itertools.pairwise(given):
        if ratios[riskier] < ratios[safer]:
            raise SampleRefusedError(
                _("The ratio of class %(higher)s may not be lower than that of class %(lower)s.")
                % {"higher": riskier, "lower": safer}
            )


def check_population(members: Iterable[Member]) -> list[Member]:
    """The members, or SampleRefusedError at the first unknown class, invalid or repeated code."""
    seen: set[str] = set()
    checked = []
    for member in members:
        if member.credit_class not in CLASSES:
            raise SampleRefusedError(
                _("Enterprise %(uscc)s has the unknown credit class “%(cls)s” (A, B, C or D).")
                % {"uscc": member.uscc, "cls": member.credit_class}
            )
        verdict = check_uscc(member.uscc)
        if not verdict.valid:
            raise SampleRefusedError(
                _("“%(uscc)s” is not a valid unified social credit code: %(why)s.")
                % {"uscc": member.uscc, "why": "；".join(verdict.errors)}
            )
        if member.uscc in seen:
            raise SampleRefusedError(
                _("Code %(uscc)s appears more than once in the population.") % {"uscc": member.uscc}
            )
        seen.add(member.uscc)
        checked.append(member)
    return checked


def sample_size(ratio: Decimal, count: int) -> int:
    """ceil(ratio × count) in decimal arithmetic: 0.07 × 100 is exactly 7."""
    return math.ceil(ratio * count)


def by_class(members: Iterable[Member]) -> dict[str, list[str]]:
    """Each class's codes, sorted (the order the generator draws from)."""
    classes: dict[str, list[str]] = {name: [] for name in CLASSES}
    for member in members:
        classes[member.credit_class].append(member.uscc)
    return {name: sorted(codes) for name, codes in classes.items()}


def population_hash(codes: Iterable[str]) -> str:
    """SHA-256 of a class's codes, sorted, one per line, each ended by LF, UTF-8: published so
    that anyone holding the population can check it, without publishing who is in which class."""
    text = "".join(f"{code}\n" for code in sorted(codes))
    return hashlib.sha256(text.encode()).hexdigest()


def _sample_with(
    rng: random.Random, members: Iterable[Member], ratios: Mapping[str, Decimal]
) -> list[Member]:
    checked = check_population(members)
    classes = by_class(checked)
    check_ratios(ratios, [name for name, codes in classes.items() if codes])
    drawn: list[Member] = []
    for name in CLASSES:
        codes = classes[name]
        if not codes:
            continue
        picked = rng.sample(codes, sample_size(ratios[name], len(codes)))
        drawn.extend(Member(name, code) for code in picked)
    return sorted(drawn)


def sample(members: Iterable[Member], ratios: Mapping[str, Decimal], seed: int) -> list[Member]:
    """The drawn members, sorted by class then code; SampleRefusedError for a bad population or
    ratios. The algorithm is the module's docstring."""
    return _sample_with(random.Random(seed), members, ratios)


@dataclass(frozen=True)
class Drawn:
    """A drawn enterprise and the certificate numbers of the inspectors drawn for it."""

    member: Member
    inspectors: tuple[str, ...]


def draw(
    members: Iterable[Member],
    ratios: Mapping[str, Decimal],
    seed: int,
    *,
    roster: Iterable[str],
    conflicts: Iterable[tuple[str, str]],
    per_enterprise: int,
) -> list[Drawn]:
    """The sample, then inspectors for each drawn enterprise in the sample's order: from the
    roster's certificate numbers sorted, less those with a declared conflict with it,
    `rng.sample(eligible, per_enterprise)` with the same generator, continued. The enterprises
    are exactly `sample(members, ratios, seed)`."""
    rng = random.Random(seed)
    drawn = _sample_with(rng, members, ratios)
    certificates = sorted(set(roster))
    barred = set(conflicts)
    result = []
    for member in drawn:
        eligible = [c for c in certificates if (c, member.uscc) not in barred]
        if len(eligible) < per_enterprise:
            raise SampleRefusedError(
                _(
                    "Only %(n)s inspectors with a valid certificate and no declared conflict "
                    "can go to %(uscc)s; %(needed)s are needed."
                )
                % {"n": len(eligible), "uscc": member.uscc, "needed": per_enterprise}
            )
        result.append(Drawn(member, tuple(sorted(rng.sample(eligible, per_enterprise)))))
    return result
