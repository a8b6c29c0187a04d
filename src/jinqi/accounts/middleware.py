"""Idle logout: a session unused for IDLE_LOGOUT_SECONDS is ended."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from jinqi.core import clock

_KEY = "jinqi_last_seen"


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
            else:
                request.session[_KEY] = now
        return self.get_response(request)
