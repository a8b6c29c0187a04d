"""统一社会信用代码 (GB 32100-2015) validation: valid codes, every kind of invalid with its exact
message, the GB 11714 organisation-code check as a warning, and python-stdnum as a cross-check."""

from __future__ import annotations

import random
from collections.abc import Iterator
from types import SimpleNamespace

import pyarrow as pa
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from jinqi.registry.importing.columnar import ColumnarValidator
from jinqi.registry.uscc import (
    ALPHABET,
    WEIGHTS,
    check_character,
    check_uscc,
    generate_uscc,
    organisation_check_character,
)

DEMO = "91310116MA1JL0TT5P"
DIGITS = "0123456789"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def errors(code: str) -> list[str]:
    """The error messages for `code`, in English."""
    with translation.override("en"):
        return check_uscc(code).errors


def with_check(first17: str) -> str:
    """`first17` completed with its correct check character."""
    return first17 + check_character(first17)


# Valid codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        DEMO,
        "91110000600037341L",  # python-stdnum's documented example
        "91310000132149237G",
        "91440300708461136T",
        with_check("91310116" + "MA1JL0TT2"),  # a Jinshan code with a GB 11714-valid org code
        with_check("12310116" + "425000329"),  # 机构编制 authority, 事业单位
        with_check("51310116" + "MJ0000019"),  # 民政 authority, 社会团体
    ],
)
def test_real_looking_codes_are_valid(code: str) -> None:
    """Well-formed codes of several registration authorities pass, and stdnum agrees."""
    assert check_uscc(code).valid, check_uscc(code).errors
    assert check_uscc(code).errors == []
    assert stdnum_uscc.is_valid(code)


def test_demo_code_is_valid_with_an_organisation_code_warning() -> None:
    """The demo code is valid; its organisation code fails GB 11714, which is only a warning."""
    result = check_uscc(DEMO)

    assert result.valid
    assert result.warnings == [
        "the organisation code's check character (position 17) should be 2 under GB 11714; "
        "some legally issued codes differ"
    ]


def test_a_code_whose_organisation_code_checks_out_has_no_warning() -> None:
    """A code whose positions 9-17 pass GB 11714 gets no warning."""
    assert check_uscc("91110000600037341L").warnings == []
    assert check_uscc(with_check("91310116MA1JL0TT2")).warnings == []


def test_the_check_character_follows_gb_32100() -> None:
    """The weights are 3^i mod 31 and the check character is (31 - sum mod 31) mod 31, as in
    stdnum; a body whose sum is a multiple of 31 gets "0"."""
    assert [pow(3, i, 31) for i in range(17)] == list(WEIGHTS)
    assert check_character("91110000600037341") == "L"
    assert check_character("0" * 17) == "0"
    for body in ("91310116MA1JL0TT5", "12310116425000329", "Y1310116MJ0000019"):
        assert check_character(body) == stdnum_uscc.calc_check_digit(body)


def test_gb_11714_check_character() -> None:
    """11 - (weighted sum mod 11), letters counted from A = 10; 10 gives X and 11 gives 0."""
    assert organisation_check_character("60003734") == "1"  # sum 109, 109 mod 11 = 10
    assert organisation_check_character("00000000") == "0"  # sum 0 → 11 → 0
    assert organisation_check_character("A0000000") == "3"  # 3 × 10 = 30, mod 11 = 8
    assert organisation_check_character("40000000") == "X"  # 3 × 4 = 12, mod 11 = 1 → 10


@pytest.mark.parametrize("seed", range(200))
def test_generated_codes_are_valid(seed: int) -> None:
    """generate_uscc gives Jinshan codes valid under check_uscc (no warning) and stdnum."""
    code = generate_uscc(random.Random(seed))

    assert code.startswith("91310116")
    result = check_uscc(code)
    assert result.valid and result.warnings == []
    assert stdnum_uscc.is_valid(code)


@settings(max_examples=300)
@given(
    seed=st.integers(min_value=0, max_value=2**64), region=st.text(DIGITS, min_size=6, max_size=6)
)
def test_generated_codes_are_valid_for_any_seed_and_region(seed: int, region: str) -> None:
    """Property: for every seed and region, the generated code is valid under both validators."""
    code = generate_uscc(random.Random(seed), region=region)

    assert len(code) == 18
    assert check_uscc(code).valid
    assert check_uscc(code).warnings == []
    assert stdnum_uscc.is_valid(code)


# stdnum requires digits in positions 1-8; GB 32100 allows letters in position 1 (e.g. Y, other
# registration authorities), so the agreement property draws positions 1-2 from the digits.
bodies = st.builds(
    lambda head, region, rest: head + region + rest,
    st.text(DIGITS, min_size=2, max_size=2),
    st.text(DIGITS + "AKX", min_size=6, max_size=6),  # letters here are invalid for both
    st.text(ALPHABET, min_size=9, max_size=9),
)


@settings(max_examples=500)
@given(body=bodies, last=st.sampled_from(ALPHABET), correct=st.booleans())
def test_check_uscc_agrees_with_stdnum(body: str, last: str, correct: bool) -> None:
    """Property: for 17-character bodies over the alphabet, both validators agree on validity."""
    code = with_check(body) if correct else body + last

    assert check_uscc(code).valid == stdnum_uscc.is_valid(code)


def test_a_letter_registration_authority_is_allowed_though_stdnum_refuses_it() -> None:
    """Position 1 may be a letter (Y: other authorities) under GB 32100; stdnum is stricter."""
    code = with_check("Y1310116MA1JL0TT2")

    assert check_uscc(code).valid
    assert not stdnum_uscc.is_valid(code)


# Invalid codes, one kind at a time ------------------------------------------------------------


def test_empty() -> None:
    """An empty code is invalid: empty."""
    assert errors("") == ["empty"]


@pytest.mark.parametrize("length", [1, 17, 19, 36])
def test_wrong_length(length: int) -> None:
    """Any length but 18 is reported with the length found."""
    code = (DEMO * 2)[:length]

    assert errors(code) == [f"must be 18 characters, got {length}"]


def test_whitespace_is_not_trimmed() -> None:
    """Codes are taken as given: surrounding spaces make the length wrong."""
    assert errors(f" {DEMO}") == ["must be 18 characters, got 19"]


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-", "*", " ", "金", "Ｍ"])
@pytest.mark.parametrize("position", [1, 2, 9, 17, 18])
def test_forbidden_character_is_named_with_its_position(char: str, position: int) -> None:
    """I, O, S, V, Z, symbols and Chinese or full-width characters are named with the position."""
    code = DEMO[: position - 1] + char + DEMO[position:]

    assert errors(code) == [f"character “{char}” not allowed at position {position}"]


@pytest.mark.parametrize("position", [3, 4, 5, 6, 7, 8])
def test_a_letter_in_the_region_code_is_not_allowed(position: int) -> None:
    """Positions 3-8 are the administrative region code, digits only."""
    code = DEMO[: position - 1] + "A" + DEMO[position:]

    assert errors(code) == [f"character “A” not allowed at position {position}"]
    assert not stdnum_uscc.is_valid(code)


def test_every_forbidden_character_is_reported() -> None:
    """Several bad characters give one message each, in order."""
    code = "I" + DEMO[1:8] + "O" + DEMO[9:17] + "Z"

    assert errors(code) == [
        "character “I” not allowed at position 1",
        "character “O” not allowed at position 9",
        "character “Z” not allowed at position 18",
    ]


def test_lower_case_is_refused_with_the_upper_case_form() -> None:
    """Lower case is invalid, and the message gives the code in upper case."""
    assert errors(DEMO.lower()) == [f"lower case is not allowed; the code in upper case is {DEMO}"]
    assert errors(DEMO[:9] + "a" + DEMO[10:]) == [
        f"lower case is not allowed; the code in upper case is {DEMO}"
    ]


def test_lower_case_forbidden_letter_is_named_as_a_character() -> None:
    """A lower-case letter whose upper case is forbidden (i) is reported as a bad character."""
    assert errors(DEMO[:9] + "i" + DEMO[10:]) == ["character “i” not allowed at position 10"]


def test_a_character_that_upper_cases_to_two_is_not_taken_for_lower_case() -> None:
    """ "ﬀ".upper() is "FF": the code is not offered in a 19-character upper-case form."""
    assert errors(DEMO[:9] + "ﬀ" + DEMO[10:]) == ["character “ﬀ” not allowed at position 10"]


@pytest.mark.parametrize("wrong", [c for c in ALPHABET if c != "P"])
def test_wrong_check_digit(wrong: str) -> None:
    """Every wrong last character gives the expected and the actual check digit."""
    assert errors(DEMO[:17] + wrong) == [f"check digit expected P, got {wrong}"]
    assert not stdnum_uscc.is_valid(DEMO[:17] + wrong)


def test_transposition_is_caught_by_the_check_digit() -> None:
    """Swapping two different adjacent characters makes the code invalid."""
    swapped = DEMO[:8] + DEMO[9] + DEMO[8] + DEMO[10:]

    assert not check_uscc(swapped).valid
    assert errors(swapped)[0].startswith("check digit expected ")


def test_organisation_code_mismatch_is_only_a_warning() -> None:
    """A valid code whose GB 11714 check character is off stays valid with one warning."""
    code = with_check("91310116MA1JL0TT7")  # GB 11714 wants 2 at position 17

    result = check_uscc(code)
    assert result.valid
    assert result.errors == []
    assert len(result.warnings) == 1
    assert "should be 2 under GB 11714" in result.warnings[0]


# The columnar import's check -----------------------------------------------------------------

codes = st.one_of(
    bodies.map(with_check),  # valid
    st.text(ALPHABET + "abcIOSVZ-é", min_size=18, max_size=18),  # mostly invalid
    st.text(ALPHABET, min_size=16, max_size=19),  # wrong lengths too
)


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(codes, min_size=1, max_size=12, unique=True))
def test_the_columnar_check_agrees_with_the_single_one(batch: list[str]) -> None:
    """Property: the import's column-at-once check accepts exactly the codes `check_uscc` (and
    python-stdnum) find valid, both from Arrow buffers (every code standard) and from text."""
    validator = ColumnarValidator.__new__(ColumnarValidator)
    validator.rows = SimpleNamespace(seen={})  # type: ignore[assignment]  # codes are unique
    numbers = pa.array(range(2, len(batch) + 2), pa.int64())
    _codes, ok = validator._codes(pa.array(batch, pa.string()), numbers)
    assert ok.tolist() == [check_uscc(code).valid for code in batch]
    standard = [code for code in batch if len(code) == 18 and all(c in ALPHABET for c in code)]
    if standard:
        validator.rows = SimpleNamespace(seen={})  # type: ignore[assignment]
        _codes, ok = validator._codes(pa.array(standard, pa.string()), numbers[: len(standard)])
        assert ok.tolist() == [check_uscc(code).valid for code in standard]
        for code, valid in zip(standard, ok.tolist(), strict=True):
            if code[:8].isdigit():  # stdnum wants digits there (see `bodies`)
                assert valid == stdnum_uscc.is_valid(code), code
