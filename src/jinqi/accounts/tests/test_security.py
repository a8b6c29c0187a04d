"""Secure by default: hashing, lockout, idle logout, CSRF, content security policy, no sign-up."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from jinqi.accounts.middleware import STAMP_EVERY_SECONDS
from jinqi.accounts.tests.factories import PASSWORD, UserFactory
from jinqi.core import clock

pytestmark = pytest.mark.django_db


def test_production_settings_hash_passwords_with_argon2() -> None:
    """The base settings (all deployments) hash new passwords with argon2."""
    base = importlib.import_module("jinqi.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def _login(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code


def test_five_failed_logins_lock_the_account() -> None:
    """After five wrong passwords even the right one is refused, with the lockout page."""
    user = UserFactory()
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, user.username, "wrong") == 200  # the form again, with an error
    assert _login(client, user.username, "wrong") == 429  # the fifth failure locks
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_idle_session_is_logged_out() -> None:
    """A session unused for longer than the idle limit is ended and the user sent to log in."""
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    clock.advance(dt.timedelta(seconds=settings.IDLE_LOGOUT_SECONDS + 1))
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_active_session_stays_logged_in() -> None:
    """Activity within the idle limit keeps the session."""
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.get(reverse("notifications:inbox"))
    clock.advance(dt.timedelta(seconds=settings.IDLE_LOGOUT_SECONDS - 60))
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_page_views_within_a_minute_do_not_write_the_session() -> None:
    """The session records activity at most once a minute, so most page views write nothing."""
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.get(reverse("notifications:inbox"))
    stamped = client.session["jinqi_last_seen"]
    clock.advance(dt.timedelta(seconds=STAMP_EVERY_SECONDS - 1))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notifications:inbox")).status_code == 200
    assert client.session["jinqi_last_seen"] == stamped
    assert not [
        q
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT"))
    ]
    clock.advance(dt.timedelta(seconds=1))
    client.get(reverse("notifications:inbox"))
    assert client.session["jinqi_last_seen"] > stamped


def test_post_without_csrf_token_is_refused() -> None:
    """A form post without the CSRF token is rejected before any view runs."""
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("notifications:read_all")).status_code == 403


def test_every_page_carries_a_strict_content_security_policy() -> None:
    """Pages forbid inline and third-party scripts: script-src is 'self' only."""
    response = Client().get(reverse("web:home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert response["X-Frame-Options"] == "DENY"


def test_there_is_no_open_sign_up() -> None:
    """Accounts are created by administrators only: no sign-up or registration URL exists."""
    names = [str(name) for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [n for n in names if "signup" in n or "register" in n]
