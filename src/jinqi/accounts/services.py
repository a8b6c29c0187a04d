"""Writes for users, departments and API tokens; each token change leaves an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import ApiToken, User
from jinqi.accounts.selectors import SYSTEM_USERNAME, api_token_active
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.permissions import all_capabilities

# What the audit trail keeps of a token: never its hash.
TOKEN_FIELDS = ("user_id", "name", "prefix", "scopes", "expires_at", "revoked_at", "expired_at")


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str] | None = None,
    expires_at: dt.datetime | None = None,
    acting_user: User,
) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain key is returned once and never stored.

    Without `scopes` the token may do what the user's role may; a token never gets more. A token
    with `expires_at` is refused from that moment on."""
    role_capabilities = {c for c, roles in all_capabilities().items() if user.role in roles}
    chosen = role_capabilities if scopes is None else set(scopes)
    if chosen - role_capabilities:
        raise DomainError(
            _("The user's role does not allow: %(scopes)s")
            % {"scopes": ", ".join(sorted(chosen - role_capabilities))}
        )
    if expires_at is not None and expires_at <= clock.now():
        raise DomainError(_("The expiry must be in the future."))
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[3:11],
        key_hash=ApiToken.hash_key(key),
        scopes=sorted(chosen),
        expires_at=expires_at,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=token,
        after=snapshot(token, TOKEN_FIELDS),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user: User) -> ApiToken:
    """Refuse the token from now on; revoking twice changes nothing and records nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    _token_stamp(token=token, field="revoked_at", at=clock.now(), acting_user=acting_user)
    return token


@transaction.atomic
def api_tokens_expire(*, acting_user: User) -> int:
    """Record, once each, the tokens whose expiry has passed (the API already refuses them);
    returns how many were recorded."""
    now = clock.now()
    due = ApiToken.objects.select_for_update().filter(
        expires_at__lte=now, expired_at__isnull=True, revoked_at__isnull=True
    )
    count = 0
    for token in due:
        _token_stamp(token=token, field="expired_at", at=now, acting_user=acting_user)
        count += 1
    return count


def _token_stamp(*, token: ApiToken, field: str, at: dt.datetime, acting_user: User) -> None:
    """Set the token's `revoked_at` or `expired_at` and record it (note: revoked, expired)."""
    before = snapshot(token, TOKEN_FIELDS)
    setattr(token, field, at)
    token.save(update_fields=[field])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=token,
        before=before,
        after=snapshot(token, TOKEN_FIELDS),
        note=field.removesuffix("_at"),
    )


def api_token_use(*, key: str) -> User | None:
    """The user a request with this token key acts as, or None; stamps the token's last use.

    Not audited (the stamp is bookkeeping, one per call) and one statement, atomic by itself."""
    now = clock.now()
    token = api_token_active(key, now)
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    # Capability checks (core.permissions.has_capability) stay within the token's scopes.
    user.token_scopes = frozenset(token.scopes)  # type: ignore[attr-defined]  # per-request marker
    user.api_token_id = token.pk  # type: ignore[attr-defined]  # for rate limits and the audit
    return user


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
