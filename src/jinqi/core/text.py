"""The text boundary: every text that enters the platform passes `text_clean` once.

Forms (`core.forms`), API schemas (`core.schemas`), query strings (`core.middleware`) and the
importers call this one function, so what is refused and how text is normalised is decided here
and nowhere else (docs/input.md, ADR 0008).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

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
