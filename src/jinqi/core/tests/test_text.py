"""The text boundary: line ends, refused characters, NFC (not NFKC), lengths; forms and schemas."""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from jinqi.core.forms import LineField, TextField
from jinqi.core.schemas import LineText, TextJSONObject
from jinqi.core.text import (
    BIDI_CONTROLS,
    MULTI_LINE_REFUSED,
    SINGLE_LINE_REFUSED,
    TextRefusedError,
    column_needs_cleaning,
    text_clean,
)

FULL_WIDTH = "，。：；！？（）【】“”、０１Ａ"
REFUSED = {True: re.compile(MULTI_LINE_REFUSED), False: re.compile(SINGLE_LINE_REFUSED)}
SURROGATE = re.compile("[\ud800-\udfff]")


def _accepted(text: str, *, multiline: bool) -> str | None:
    try:
        return text_clean(text, multiline=multiline, max_length=100_000)
    except TextRefusedError:
        return None


@given(st.text(max_size=200), st.booleans())
def test_cleaning_is_idempotent_and_leaves_nothing_refused(text: str, multiline: bool) -> None:
    """What is accepted is NFC, holds no refused character, and comes back unchanged."""
    cleaned = _accepted(text, multiline=multiline)
    if cleaned is None:
        return
    assert text_clean(cleaned, multiline=multiline, max_length=10_000) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not REFUSED[multiline].search(cleaned) and not SURROGATE.search(cleaned)
    assert "\r" not in cleaned


@given(st.text(alphabet=st.sampled_from(FULL_WIDTH + "中文abc \n"), max_size=50))
def test_full_width_punctuation_is_kept_as_typed(text: str) -> None:
    """NFC, not NFKC: full-width punctuation and digits are stored exactly as typed."""
    assert text_clean(text, multiline=True) == text


@given(st.text(max_size=50), st.sampled_from(["\x00", "\x1b", "\x7f", "\x85", "\ud83d"]))
def test_a_control_character_is_refused_wherever_it_is(text: str, bad: str) -> None:
    """A NUL, an escape, DEL, a C1 control or a lone surrogate is refused in any text."""
    for multiline in (True, False):
        with pytest.raises(TextRefusedError):
            text_clean(text + bad + text, multiline=multiline)


@pytest.mark.parametrize("bidi", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_bidi_controls_are_refused_in_a_line_only(bidi: str) -> None:
    """Direction overrides and isolates are refused on one line, kept in text of several lines."""
    assert re.fullmatch(f"[{BIDI_CONTROLS}]", bidi)
    with translation.override("zh-hans"), pytest.raises(TextRefusedError, match="方向"):
        text_clean(f"abc{bidi}def")
    assert text_clean(f"abc{bidi}def", multiline=True) == f"abc{bidi}def"


def test_line_ends_become_lf_and_a_line_refuses_them() -> None:
    """CR LF and CR become LF in text of several lines; one line refuses a line break or tab."""
    assert text_clean("a\r\nb\rc\nd\te", multiline=True) == "a\nb\nc\nd\te"
    for text in ("a\r\nb", "a\tb"):
        with translation.override("zh-hans"), pytest.raises(TextRefusedError, match="一行"):
            text_clean(text)


def test_length_is_bounded_after_normalisation() -> None:
    """The bound counts characters as stored (NFC), with a Chinese message naming both numbers."""
    assert text_clean("e\u0301" * 3, max_length=3) == "\u00e9" * 3
    with translation.override("zh-hans"), pytest.raises(TextRefusedError, match="4"):
        text_clean("长" * 4, max_length=3)


def test_form_fields_clean_through_the_boundary() -> None:
    """A form's line or text field gives the boundary's message as its error."""
    with translation.override("zh-hans"):
        assert TextField().clean("一\r\n二") == "一\n二"
        with pytest.raises(Exception, match="不允许"):
            LineField().clean("名\x00称")


def test_schema_types_clean_strings_and_nested_json() -> None:
    """LineText refuses a NUL; TextJSONObject checks keys and every nested string."""
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError, match="不允许"):
            TypeAdapter(LineText).validate_python("a\x00")
        with pytest.raises(ValidationError, match="不允许"):
            TypeAdapter(TextJSONObject).validate_python({"a": [{"b": "c\x00"}]})
        with pytest.raises(ValidationError, match="不允许"):
            TypeAdapter(TextJSONObject).validate_python({"a\u202e": 1})
        cleaned = TypeAdapter(TextJSONObject).validate_python({"a": ["x\r\ny", 1, None]})
        assert cleaned == {"a": ["x\ny", 1, None]}


@settings(deadline=None)  # the first call derives the NFC suspects from unicodedata (~0.5 s)
@given(
    st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=30),
    st.booleans(),
    st.integers(min_value=0, max_value=3),
)
def test_column_check_agrees_with_text_clean(
    values: list[str | None], multiline: bool, offset: int
) -> None:
    """A cell is flagged by the column check exactly when text_clean would refuse or change it."""
    values = [v for v in values if v is None or not SURROGATE.search(v)]  # Arrow holds UTF-8
    column = pa.array(values, pa.string()).slice(min(offset, len(values)))
    flagged = column_needs_cleaning(column, multiline=multiline).tolist()
    expected = [
        v is not None and _accepted(v, multiline=multiline) != v for v in column.to_pylist()
    ]
    assert flagged == expected
