"""Which institution a user acts for (the one row the database allows them)."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.financing.models import Institution, InstitutionMember


def institution_of(user: Any) -> Institution | None:
    """The user's institution; None for anyone else, or a member without one yet."""
    if getattr(user, "role", None) != Role.INSTITUTION or not user.is_authenticated:
        return None
    member = InstitutionMember.objects.filter(user_id=user.pk).select_related("institution").first()
    return member.institution if member is not None else None
