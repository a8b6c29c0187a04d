"""Form fields that pass the text boundary (`core.text`); every form's text field is one of them.

`tests/test_conventions.py` walks every form of the project and fails on a `CharField` (or a
subclass such as `URLField`) that is not a `BoundaryField`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from jinqi.core.text import TextRefusedError, text_clean


class BoundaryField(forms.CharField):
    """A CharField whose value is cleaned by `text_clean`; `multiline` says which rules apply."""

    multiline = False

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not isinstance(text, str) or text in self.empty_values:
            return text
        try:
            return text_clean(text, multiline=self.multiline, max_length=self.max_length)
        except TextRefusedError as refused:
            raise ValidationError(refused.message, code=refused.code) from refused


class LineField(BoundaryField):
    """One line of text: a name, a title, a search."""


class TextField(BoundaryField):
    """Text of several lines: a narrative, a comment, an answer (any widget)."""

    multiline = True


class LinkField(BoundaryField, forms.URLField):
    """A web address."""


class SlugField(BoundaryField, forms.SlugField):
    """A code of letters, digits, hyphens and underscores."""


class EmailField(BoundaryField, forms.EmailField):
    """An e-mail address."""
