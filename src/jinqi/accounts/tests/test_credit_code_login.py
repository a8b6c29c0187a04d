"""Enterprise users log in with their unified social credit code as well as their user name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.enums import Role
from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user

pytestmark = pytest.mark.django_db

CODE = "91310116MA1JL0TT5P"


def _login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client


def _logged_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_an_enterprise_user_logs_in_with_the_credit_code_or_the_user_name() -> None:
    """The code (in either case) and the user name both open the same account."""
    user = UserFactory(enterprise=True, enterprise_uscc=CODE)
    assert _logged_in_as(_login(CODE)) == user.pk
    assert _logged_in_as(_login(CODE.lower())) == user.pk
    assert _logged_in_as(_login(user.username)) == user.pk


def test_the_credit_code_with_a_wrong_password_is_refused() -> None:
    """A right code is no key: the password is still checked."""
    UserFactory(enterprise=True, enterprise_uscc=CODE)
    response = Client().post(reverse("accounts:login"), {"username": CODE, "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_code_shared_by_two_users_or_held_by_an_inactive_one_logs_nobody_in() -> None:
    """Two users of one enterprise must use their user names; a disabled user stays out."""
    first = UserFactory(enterprise=True, enterprise_uscc=CODE)
    UserFactory(enterprise=True, enterprise_uscc=CODE)
    assert _logged_in_as(_login(CODE)) is None
    assert _logged_in_as(_login(first.username)) == first.pk
    other = "91310116MA1JL0TT6X"
    UserFactory(enterprise=True, enterprise_uscc=other, is_active=False)
    assert _logged_in_as(_login(other)) is None


def test_staff_cannot_log_in_with_a_credit_code() -> None:
    """Only enterprise users are found by code; a staff member's field is never consulted."""
    staff = department_user()
    staff.enterprise_uscc = CODE
    staff.save()
    assert staff.role == Role.DEPARTMENT
    assert _logged_in_as(_login(CODE)) is None
