"""The lockout counts a user name and a client address together, behind a trusted proxy too."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from jinqi.accounts.client_address import client_address
from jinqi.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, **meta: Any) -> int:
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **meta
    )
    return int(response.status_code)


def _fail_until_locked(username: str, **meta: Any) -> None:
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, username, "wrong", **meta) == 200
    assert _login(client, username, "wrong", **meta) == 429


def test_failures_from_one_address_lock_the_user_from_that_address_only() -> None:
    """Five failures from one address lock the user there; from another address the same user
    still logs in (so nobody can lock a known official out from afar)."""
    user = UserFactory()
    _fail_until_locked(user.username, REMOTE_ADDR="198.51.100.7")
    assert _login(Client(), user.username, PASSWORD, REMOTE_ADDR="198.51.100.7") == 429
    assert _login(Client(), user.username, PASSWORD, REMOTE_ADDR="198.51.100.8") == 302


def test_another_user_at_the_locked_address_still_logs_in() -> None:
    """The lock is for the user at the address, not the whole address (a shared office NAT)."""
    locked, colleague = UserFactory(), UserFactory()
    _fail_until_locked(locked.username, REMOTE_ADDR="198.51.100.7")
    assert _login(Client(), colleague.username, PASSWORD, REMOTE_ADDR="198.51.100.7") == 302


def test_behind_the_trusted_proxy_the_forwarded_address_counts(settings: Any) -> None:
    """Behind one trusted proxy (all requests come from its address) the address it forwards
    counts: one client is locked, another behind the same proxy is not."""
    settings.JINQI_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _fail_until_locked(user.username, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    locked = _login(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert locked == 429
    other = _login(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert other == 302


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(settings: Any) -> None:
    """With no trusted proxy configured, a client cannot choose its address by sending the
    header itself."""
    settings.JINQI_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client's own entry is ignored
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1"),  # fewer hops than proxies: not through them all
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_reads_through_exactly_the_trusted_proxies(
    settings: Any, count: int, forwarded: str, expected: str
) -> None:
    """The address is the one the outermost trusted proxy saw, never an entry the client wrote."""
    settings.JINQI_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_commands_print_no_lockout_banner() -> None:
    """A command's output starts with its own output: django-axes prints no banner."""
    result = subprocess.run(
        [sys.executable, "-m", "jinqi", "check"],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "jinqi.settings.test"},
    )
    assert "System check identified no issues" in result.stdout
    assert "AXES" not in result.stdout + result.stderr
