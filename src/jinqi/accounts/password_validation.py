"""The password rule every account follows (等保 level 3): length and character classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinqi.accounts.models import User

MIN_LENGTH = 8
MIN_CLASSES = 3


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses."""
    tests = (
        lambda c: c.isupper(),
        lambda c: c.islower(),
        lambda c: c.isdigit(),
        lambda c: not c.isalnum() and not c.isspace(),
    )
    return sum(any(test(c) for c in password) for test in tests)


class CharacterClassesValidator:
    """At least eight characters, using three of: upper case, lower case, digits, symbols."""

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) < MIN_LENGTH or character_classes(password) < MIN_CLASSES:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "A password has at least %(length)d characters and uses three of these four: "
            "upper-case letters, lower-case letters, digits and symbols."
        ) % {"length": MIN_LENGTH}
