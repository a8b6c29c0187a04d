"""统一社会信用代码 (GB 32100-2015): validation with messages that say what is wrong.

18 characters: registration authority (1), entity type (1), administrative region (6), the
organisation code (9, GB 11714, with its own check character), and a check character computed
over the first 17 with the standard's weights, modulo 31.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
DIGITS = "0123456789"
REGION_POSITIONS = range(3, 9)  # 1-based positions of the administrative region code
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
JINSHAN_REGION = "310116"
# A character's value (its index in ALPHABET) by its byte, -1 for one not allowed anywhere.
CHARACTER_VALUES = np.full(256, -1, dtype=np.int64)
CHARACTER_VALUES[[ord(char) for char in ALPHABET]] = np.arange(len(ALPHABET))
_REGION = slice(REGION_POSITIONS.start - 1, REGION_POSITIONS.stop - 1)


@dataclass(frozen=True)
class UsccCheck:
    code: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_values(characters: np.ndarray) -> np.ndarray:
    """The check character's value of each code, from its first 17 characters' values (one row
    per code): the one computation of the check digit, for one code or a column of them."""
    total = (characters[:, :17] * np.array(WEIGHTS)).sum(axis=1)
    return (31 - total % 31) % 31


def well_formed(characters: np.ndarray) -> np.ndarray:
    """Which codes (rows of 18 character values, `CHARACTER_VALUES`) are valid: every character
    allowed, digits only in the region code, and the right check character."""
    ok = (characters >= 0).all(axis=1) & (characters[:, _REGION] < 10).all(axis=1)
    return ok & (characters[:, 17] == check_values(characters))


def check_character(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError(first17)
    values = np.array([[ALPHABET.index(c) for c in first17]])
    return ALPHABET[int(check_values(values)[0])]


def organisation_check_character(first8: str) -> str:
    """GB 11714's check character of the organisation code (positions 9–17 of a USCC)."""
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _misplaced(code: str) -> list[tuple[int, str]]:
    """(1-based position, character) of each character not allowed where it stands."""
    return [
        (position, char)
        for position, char in enumerate(code, start=1)
        # Positions 3-8 are the GB/T 2260 administrative region code: digits only.
        if char not in (DIGITS if position in REGION_POSITIONS else ALPHABET)
    ]


def check_uscc(code: str) -> UsccCheck:
    """Check a code taken as given: no trimming, no case folding."""
    if code == "":
        return UsccCheck(code, [_("empty")])
    if len(code) != 18:
        return UsccCheck(code, [_("must be 18 characters, got %(n)s") % {"n": len(code)}])
    upper = code.upper()
    # Compare lengths too: str.upper() can expand a character ("ﬀ" -> "FF").
    if upper != code and len(upper) == len(code) and not _misplaced(upper):
        return UsccCheck(
            code,
            [
                _("lower case is not allowed; the code in upper case is %(upper)s")
                % {"upper": upper}
            ],
        )
    errors = [
        _("character “%(char)s” not allowed at position %(pos)s") % {"char": char, "pos": position}
        for position, char in _misplaced(code)
    ]
    if errors:
        return UsccCheck(code, errors)
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(
            code,
            [
                _("check digit expected %(expected)s, got %(actual)s")
                % {"expected": expected, "actual": code[17]}
            ],
        )
    warnings: list[str] = []
    org = code[8:17]
    if all(c in ORG_ALPHABET for c in org[:8]) and org[8] != organisation_check_character(org[:8]):
        warnings.append(
            _(
                "the organisation code's check character (position 17) should be %(expected)s "
                "under GB 11714; some legally issued codes differ"
            )
            % {"expected": organisation_check_character(org[:8])}
        )
    return UsccCheck(code, [], warnings)


def generate_uscc(rng: random.Random, *, region: str = JINSHAN_REGION) -> str:
    """A well-formed code for synthetic data: 9 (工商) 1 (企业), the region, a valid organisation
    code and check character."""
    body = "".join(rng.choice(ORG_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = body + organisation_check_character(body)
    first17 = "91" + region + org
    return first17 + check_character(first17)
