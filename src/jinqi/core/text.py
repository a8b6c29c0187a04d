"""The text boundary: every text that enters the platform passes `text_clean` once.

Forms (`core.forms`), API schemas (`core.schemas`), query strings (`core.middleware`) and the
importers call this one function, so what is refused and how text is normalised is decided here
and nowhere else (docs/input.md, ADR 0008).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from jinqi.core.errors import DomainError

# Bounds for text that names no tighter one: a line (a name, a title, a search) and a body of
# text (a narrative, a comment, an answer).
SINGLE_LINE_MAX: Final = 1_000
MULTI_LINE_MAX: Final = 50_000

# C0 and C1 controls and DEL; a multi-line text keeps LF (its line ends) and TAB (indentation
# pasted from a document). CR is listed so that a column check sends it to `text_clean`, which
# turns it into LF before checking.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Lone surrogates cannot be encoded as UTF-8 nor stored by PostgreSQL (Arrow strings, always
# valid UTF-8, cannot hold them, so the column patterns leave them out: RE2 refuses them).
_SURROGATES = "\ud800-\udfff"
# Explicit embeddings, overrides (U+202A–202E) and isolates (U+2066–2069) can make a line read
# differently from what it holds ("Trojan source"); a single line has no use for them.
BIDI_CONTROLS: Final = "\u202a-\u202e\u2066-\u2069"

# What each kind refuses (after CR LF and CR have become LF), as patterns that RE2 (pyarrow's
# compute functions) reads the same as Python's `re`, for checking a whole column at once.
MULTI_LINE_REFUSED: Final = f"[{_CONTROLS}]"
SINGLE_LINE_REFUSED: Final = f"[{_CONTROLS}\t\n{BIDI_CONTROLS}]"
_MULTI_LINE = re.compile(f"[{_CONTROLS}{_SURROGATES}]")
_SINGLE_LINE = re.compile(f"[{_CONTROLS}{_SURROGATES}\t\n{BIDI_CONTROLS}]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


class TextRefusedError(DomainError):
    """The text holds a character the platform does not store, or is too long."""

    code = "invalid_text"


def text_clean(value: str, *, multiline: bool = False, max_length: int | None = None) -> str:
    """Return `value` as stored: line ends as LF, NFC; raise TextRefusedError for what is refused.

    NFC, not NFKC: full-width punctuation (，。：（）) stays as the user typed it.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    found = text_refused_character(text, multiline=multiline)
    if found is not None:
        if _BIDI.fullmatch(found):
            raise TextRefusedError(
                _(
                    "The text holds an invisible direction control character (U+%(code)04X), "
                    "which is not allowed here. Remove it and try again."
                )
                % {"code": ord(found)}
            )
        if found in "\n\t":
            raise TextRefusedError(_("Line breaks and tabs are not allowed here; use one line."))
        raise TextRefusedError(
            _(
                "The text holds an invisible control character (U+%(code)04X), which is not "
                "allowed. Remove it and try again."
            )
            % {"code": ord(found)}
        )
    text = unicodedata.normalize("NFC", text)
    limit = (
        max_length if max_length is not None else (MULTI_LINE_MAX if multiline else SINGLE_LINE_MAX)
    )
    if len(text) > limit:
        raise TextRefusedError(
            _("The text is too long: at most %(limit)d characters, this one has %(length)d.")
            % {"limit": limit, "length": len(text)}
        )
    return text


def text_refused_character(text: str, *, multiline: bool) -> str | None:
    """The first character of `text` the boundary refuses, or None (line ends not converted)."""
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(text)
    return found.group() if found else None


def column_needs_cleaning(column: pa.Array, *, multiline: bool = False) -> np.ndarray:
    """For a column of strings, which cells `text_clean` would refuse or change (a boolean per
    row, null cells false), so that only those go value by value through it.

    Fast for a clean column, the usual case: RE2 scans the column's UTF-8 bytes once, as one
    string, for a refused character or one that NFC might change (`_nfc_suspects`); the check
    per cell runs only when that scan finds something.
    """
    column = pc.cast(column, pa.string())
    count = len(column)
    if count == column.null_count:
        return np.zeros(count, dtype=bool)
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[
        column.offset : column.offset + count + 1
    ]
    start, end = int(offsets[0]), int(offsets[-1])
    whole = pa.LargeStringArray.from_buffers(
        1,
        pa.py_buffer(np.array([0, end - start], dtype=np.int64)),
        column.buffers()[2].slice(start, end - start),
    )
    refused = MULTI_LINE_REFUSED if multiline else SINGLE_LINE_REFUSED
    suspect = f"{refused}|[{_nfc_suspects()}]"
    if not pc.match_substring_regex(whole, suspect)[0].as_py():
        return np.zeros(count, dtype=bool)
    found = pc.match_substring_regex(column, refused)
    changed = pc.not_equal(pc.utf8_normalize(column, form="NFC"), column)
    return np.asarray(
        pc.fill_null(pc.or_(found, changed), False).to_numpy(zero_copy_only=False), dtype=bool
    )


@functools.cache
def _nfc_suspects() -> str:
    """An RE2 class of every character NFC may change or compose with what precedes it: not
    NFC alone (quick check No), a non-zero combining class, or the second of a composition
    (quick check Maybe, Hangul vowels and trailing consonants included). A string without them
    passes NFC's quick check, so it is NFC."""
    suspects = {*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)}
    for point in range(0x30000):
        char = chr(point)
        if 0xD800 <= point <= 0xDFFF:
            continue
        if unicodedata.combining(char) or not unicodedata.is_normalized("NFC", char):
            suspects.add(point)
        parts = unicodedata.decomposition(char).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            suspects.add(int(parts[1], 16))
    ranges: list[tuple[int, int]] = []
    for point in sorted(suspects):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(
        f"\\x{{{low:x}}}" if low == high else f"\\x{{{low:x}}}-\\x{{{high:x}}}"
        for low, high in ranges
    )
