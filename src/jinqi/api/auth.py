"""API authentication: a bearer token (department systems) or the browser session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from jinqi.accounts.services import api_token_use
from jinqi.api.ratelimit import (
    RateLimited,
    api_call_count,
    current_minute,
    seconds_to_next_minute,
)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_use(key=token)
        if user is not None:
            _rate_limit(user.api_token_id)  # type: ignore[attr-defined]  # set with token_scopes
            request.user = user
        return user


def _rate_limit(token_id: int) -> None:
    """A fixed one-minute window per token, counted once for all web processes; over the limit
    the call gets 429."""
    if (
        api_call_count(token_id=token_id, minute=current_minute())
        > settings.API_RATE_LIMIT_PER_MINUTE
    ):
        raise RateLimited(
            _("Too many calls with this token: at most %(n)s a minute.")
            % {"n": settings.API_RATE_LIMIT_PER_MINUTE},
            retry_after=seconds_to_next_minute(),
        )


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


authenticated = [TokenAuth(), SessionAuth()]
