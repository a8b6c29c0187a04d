"""Enterprise users may log in with their unified social credit code instead of a user name."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User

USCC_LENGTH = 18


class CreditCodeBackend(ModelBackend):
    """Treats the "user name" typed at log-in as a credit code when it is one and exactly one
    active enterprise user holds it (an enterprise with several users logs in by user name: the
    code alone would not say which of them is there)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        code = username.strip().upper()
        if len(code) != USCC_LENGTH:
            return None
        holders = list(
            User.objects.filter(role=Role.ENTERPRISE, enterprise_uscc=code, is_active=True)[:2]
        )
        if len(holders) != 1:
            return None
        user = holders[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
