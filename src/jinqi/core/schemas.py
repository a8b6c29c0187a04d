"""Types for API input schemas that pass the text boundary (`core.text`).

Every `str` of a request body or form is `LineText` or `MultiLineText`, and free JSON (answers,
facts, profiles) is `TextJSON`, whose every string and key is checked; `tests/test_conventions.py`
walks the API's operations and fails on a text that bypasses them. A refusal is pydantic's
validation error, which the API answers as 422 with the message of `text_clean`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from jinqi.core.text import TextRefusedError, text_clean


def _checked(value: str, *, multiline: bool) -> str:
    try:
        return text_clean(value, multiline=multiline)
    except TextRefusedError as refused:
        raise PydanticCustomError(refused.code, refused.message) from refused


def line_text(value: str) -> str:
    """One line through the boundary."""
    return _checked(value, multiline=False)


def multi_line_text(value: str) -> str:
    """Several lines through the boundary."""
    return _checked(value, multiline=True)


def json_text(value: Any) -> Any:
    """Free JSON with every key checked as a line and every string as text of several lines."""
    if isinstance(value, str):
        return multi_line_text(value)
    if isinstance(value, dict):
        return {line_text(str(key)): json_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_text(item) for item in value]
    return value


LineText = Annotated[str, AfterValidator(line_text)]
MultiLineText = Annotated[str, AfterValidator(multi_line_text)]
TextJSON = Annotated[Any, AfterValidator(json_text)]
TextJSONObject = Annotated[dict[str, Any], AfterValidator(json_text)]

BOUNDARY_VALIDATORS = frozenset({line_text, multi_line_text, json_text})
