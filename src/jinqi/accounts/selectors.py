"""Reads of accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from jinqi.accounts.enums import Role
from jinqi.accounts.models import ApiToken, Department, User

# The account scheduled and command-line changes are recorded under (see services.system_user).
SYSTEM_USERNAME = "system"


def api_token_active(key: str, now: dt.datetime) -> ApiToken | None:
    """The unrevoked token with this key, unexpired at `now`, of an active user, or None."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def department_staff(department: Department) -> QuerySet[User]:
    return User.objects.filter(department=department, role=Role.DEPARTMENT, is_active=True)


def lead_office_users() -> QuerySet[User]:
    return User.objects.filter(role=Role.LEAD_OFFICE, is_active=True).exclude(
        username=SYSTEM_USERNAME
    )


def enterprise_users(usccs: Iterable[str] | QuerySet[Any]) -> QuerySet[User]:
    """The active accounts bound to the enterprises with these credit codes."""
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_uscc__in=usccs, is_active=True)
