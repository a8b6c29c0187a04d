"""Writes for users and departments."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.accounts.models import ApiToken, User
from jinqi.accounts.selectors import SYSTEM_USERNAME


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain key is returned once and never stored."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key)
    )
    return token, key


def system_user() -> User:
    """The account that command-line and scheduled changes are recorded under; it cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.LEAD_OFFICE, "full_name": "系统"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
