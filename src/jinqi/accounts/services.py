"""Writes for users and departments."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import ApiToken, User
from jinqi.accounts.selectors import SYSTEM_USERNAME
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.permissions import all_capabilities


def api_token_create(
    *, user: User, name: str, scopes: Iterable[str] | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain key is returned once and never stored.

    Without `scopes` the token may do what the user's role may; a token never gets more."""
    role_capabilities = {c for c, roles in all_capabilities().items() if user.role in roles}
    chosen = role_capabilities if scopes is None else set(scopes)
    if chosen - role_capabilities:
        raise DomainError(
            _("The user's role does not allow: %(scopes)s")
            % {"scopes": ", ".join(sorted(chosen - role_capabilities))}
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[3:11],
        key_hash=ApiToken.hash_key(key),
        scopes=sorted(chosen),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


@transaction.atomic
def user_password_set(*, user: User, password: str, acting_user: User, reset: bool = False) -> None:
    """Set a password the validators accepted (changed by its owner, or reset by e-mail)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=user,
        note="password_reset" if reset else "password_change",
    )


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
