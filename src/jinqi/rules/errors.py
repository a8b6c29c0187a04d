"""Why a rule was refused, pointing at the offending part.

`jinqi.rules` imports no Django, so the messages are plain English templates marked for
extraction (`gettext_noop`, which makemessages recognises by name) into the project's catalogue;
`message()` translates them with the standard library reading the same compiled catalogue, and
Django code may translate `template` with its own gettext.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
from functools import cache
from pathlib import Path
from typing import Any


def gettext_noop(text: str) -> str:
    return text


MESSAGES = {
    "syntax": gettext_noop("The expression cannot be read near %(fragment)s."),
    "empty": gettext_noop("The rule is empty."),
    "comment": gettext_noop("Comments are not allowed in a rule: %(fragment)s."),
    "statement": gettext_noop(
        "A rule is one expression, not a statement or several: %(fragment)s."
    ),
    "unknown_field": gettext_noop("Unknown field %(fragment)s."),
    "unknown_function": gettext_noop(
        "Function %(fragment)s is not allowed; use ABS, LEAST, GREATEST or COALESCE."
    ),
    "not_allowed": gettext_noop("%(fragment)s is not allowed in a rule."),
    "qualified_name": gettext_noop("Write the field name alone, without a table: %(fragment)s."),
    "type_mismatch": gettext_noop("%(fragment)s compares or combines %(left)s with %(right)s."),
    "not_boolean": gettext_noop("%(fragment)s is not a condition (true or false)."),
    "not_numeric": gettext_noop("%(fragment)s needs numbers, not %(kind)s."),
    "text_order": gettext_noop("%(fragment)s: text can only be compared with =, <>, IN or LIKE."),
    "boolean_order": gettext_noop(
        "%(fragment)s: true/false values can only be compared with = or <>."
    ),
    "bad_literal": gettext_noop("%(fragment)s is not a valid value."),
    "null_literal": gettext_noop(
        "Use IS NULL or IS NOT NULL to test for missing data: %(fragment)s."
    ),
    "in_list": gettext_noop("IN takes a list of values of the same kind: %(fragment)s."),
    "like_pattern": gettext_noop(
        "LIKE takes a text pattern without a backslash, after a text field: %(fragment)s."
    ),
    "arguments": gettext_noop("%(fragment)s has the wrong number of arguments."),
    "duplicate_derived": gettext_noop("The derived field %(fragment)s is defined twice."),
    "too_long": gettext_noop("The rule is longer than %(limit)s characters."),
    "too_deep": gettext_noop("The rule is nested too deeply."),
}

KIND_NAMES = {
    "boolean": gettext_noop("true/false"),
    "integer": gettext_noop("a whole number"),
    "number": gettext_noop("a number"),
    "text": gettext_noop("text"),
    "date": gettext_noop("a date"),
}

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


class RuleError(ValueError):
    """A rule refused at save time. `code` says why, `fragment` is the offending part as
    written, `position` its 1-based column when the parser knows it."""

    def __init__(
        self, code: str, *, fragment: str = "", position: int | None = None, **params: Any
    ):
        self.code = code
        self.fragment = fragment
        self.position = position
        self.params = params
        super().__init__(self.message("en"))

    @property
    def template(self) -> str:
        return MESSAGES[self.code]

    def message(self, language: str | None = None) -> str:
        """The message in `language` ("zh_Hans", "en"; default from LANGUAGE/LANG)."""
        language = language or _environment_language()
        translate = _translator(language).gettext
        params = {k: translate(KIND_NAMES.get(str(v), str(v))) for k, v in self.params.items()}
        quoted = f'"{self.fragment}"' if language == "en" else f"「{self.fragment}」"
        text = translate(self.template) % {"fragment": quoted, **params}
        if self.position is not None:
            text += translate(gettext_noop(" (column %(column)s)")) % {"column": self.position}
        return text


def message(template: str, language: str | None = None) -> str:
    """A marked template in `language` (default from LANGUAGE/LANG), for command-line output."""
    return _translator(language or _environment_language()).gettext(template)


def _environment_language() -> str:
    value = os.environ.get("LANGUAGE") or os.environ.get("LANG") or "zh_Hans"
    return "en" if value.lower().startswith("en") else "zh_Hans"


@cache
def _translator(language: str) -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation(
        "django", localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )
