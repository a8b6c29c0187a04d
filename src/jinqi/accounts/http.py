"""Request type for views behind login: `request.user` is a real user there."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from jinqi.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # narrowed: login is required before these views
    htmx: HtmxDetails  # set by django-htmx's middleware
