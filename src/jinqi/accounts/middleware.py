"""Idle logout (a session unused for IDLE_LOGOUT_SECONDS is ended) and the second factor's gate."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jinqi.accounts.second_factor import pending_step
from jinqi.core import clock

_KEY = "jinqi_last_seen"
# The session records activity at most this often: a stamp on every request would write the
# session row on every page view (on SQLite, a write lock per request). A session is therefore
# ended after IDLE_LOGOUT_SECONDS without a recorded activity: never later, at most this much
# earlier than the last request plus the limit.
STAMP_EVERY_SECONDS = 60


class IdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = clock.now().timestamp()
            last_seen = request.session.get(_KEY)
            if last_seen is not None and now - last_seen > settings.IDLE_LOGOUT_SECONDS:
                logout(request)
                messages.warning(request, _("You were logged out after a period of inactivity."))
            elif last_seen is None or now - last_seen >= STAMP_EVERY_SECONDS:
                request.session[_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A logged-in session that still owes its second factor reaches only that step, the log-out
    and the language switch: the code step for a user with an authenticator, enrolment for
    staff and administrators without one while JINQI_REQUIRE_SECOND_FACTOR is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        if step and not _reachable_while_pending(request, step):
            target = reverse(step)
            if request.method == "GET":
                target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


_ALWAYS_REACHABLE = frozenset({"accounts:logout", "set_language"})


def _reachable_while_pending(request: HttpRequest, step: str) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name == step or match.view_name in _ALWAYS_REACHABLE
