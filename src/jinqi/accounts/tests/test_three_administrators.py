"""三员: each administrator reaches their own part of the admin and the site, nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinqi.accounts.enums import Role
from jinqi.accounts.models import ApiToken, User
from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.permissions import CapabilityAdmin

pytestmark = pytest.mark.django_db

# Whose each admin page is, by app label; every other page is the system administrator's.
SECURITY_PAGES = {"axes", "otp_totp", "otp_static", "otp_email", "otp_hotp"}
AUDIT_PAGES = {"audit"}
ADMINISTRATORS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


def _owner(app_label: str) -> str:
    if app_label in SECURITY_PAGES:
        return Role.SECURITY_ADMIN
    if app_label in AUDIT_PAGES:
        return Role.AUDIT_ADMIN
    return Role.SYSTEM_ADMIN


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _user(role: str) -> User:
    return UserFactory(role=role, is_staff=True)


PAGES = sorted(
    (model._meta.app_label, model._meta.model_name or "") for model in admin.site._registry
)


def test_every_admin_page_is_guarded_by_capabilities() -> None:
    """No admin page falls back to Django's model permissions or the superuser flag."""
    unguarded = [
        m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, CapabilityAdmin)
    ]
    assert unguarded == []


@pytest.mark.parametrize("role", [*ADMINISTRATORS, Role.LEAD_OFFICE])
@pytest.mark.parametrize(("app_label", "model_name"), PAGES)
def test_each_admin_page_opens_for_its_administrator_only(
    role: str, app_label: str, model_name: str
) -> None:
    """The page's administrator gets its list (the audit trail also the lead office, which reads
    it anyway); any other role, even with the staff flag, gets 403."""
    response = _client(_user(role)).get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    reads_trail = app_label in AUDIT_PAGES and role == Role.LEAD_OFFICE
    assert response.status_code == (200 if _owner(app_label) == role or reads_trail else 403)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDIT_ADMIN, 200),
        (Role.LEAD_OFFICE, 200),
        (Role.SYSTEM_ADMIN, 403),
        (Role.SECURITY_ADMIN, 403),
        (Role.DEPARTMENT, 403),
    ],
)
def test_the_audit_trail_page_is_for_the_auditor_and_the_lead_office(
    role: str, status: int
) -> None:
    """The audit administrator and the lead office read the trail; the other administrators
    and the departments do not."""
    user = department_user() if role == Role.DEPARTMENT else _user(role)
    assert _client(user).get(reverse("audit:trail")).status_code == status


def test_the_audit_administrator_reads_but_cannot_change_an_event() -> None:
    """An event opens read-only for the auditor; a change or deletion is refused."""
    event = AuditEvent.objects.create(
        at=clock.now(), action=AuditAction.CREATE, object_type="x", object_id="1", object_repr="x"
    )
    client = _client(_user(Role.AUDIT_ADMIN))
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"object_repr": "篡改"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "x"


def test_the_security_administrator_unlocks_an_account() -> None:
    """The security administrator deletes a lockout record; the system administrator cannot."""
    attempt = AccessAttempt.objects.create(
        username="locked", ip_address="10.0.0.1", failures_since_start=5, get_data="", post_data=""
    )
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert _client(_user(Role.SYSTEM_ADMIN)).post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert _client(_user(Role.SECURITY_ADMIN)).post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


def _new_user_form(role: str, username: str) -> dict[str, Any]:
    return {
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "usable_password": "true",
        "role": role,
        "full_name": "新用户",
        "enterprise_uscc": "",
    }


def test_the_system_administrator_manages_accounts_but_makes_no_administrator() -> None:
    """A lead-office account is created; an audit administrator is refused with the choice's
    message, and an administrator's account cannot be changed."""
    client = _client(_user(Role.SYSTEM_ADMIN))
    add = reverse("admin:accounts_user_add")
    assert client.post(add, _new_user_form(Role.LEAD_OFFICE, "newlead")).status_code == 302
    assert User.objects.get(username="newlead").role == Role.LEAD_OFFICE
    response = client.post(add, _new_user_form(Role.AUDIT_ADMIN, "newaudit"))
    assert "audit_admin 不在可用的选项中" in response.content.decode()
    assert not User.objects.filter(username="newaudit").exists()
    auditor = _user(Role.AUDIT_ADMIN)
    change = reverse("admin:accounts_user_change", args=[auditor.pk])
    assert client.post(change, {"username": "renamed", "role": Role.LEAD_OFFICE}).status_code == 403
    auditor.refresh_from_db()
    assert auditor.role == Role.AUDIT_ADMIN


def test_nobody_sets_another_users_password_in_the_admin() -> None:
    """The system administrator cannot set a lead-office user's password (and so log in as
    them to read the audit trail): the admin's password page is refused, the password kept."""
    lead = UserFactory(role=Role.LEAD_OFFICE)
    before = lead.password
    client = _client(_user(Role.SYSTEM_ADMIN))
    url = reverse("admin:auth_user_password_change", args=[lead.pk])
    response = client.post(url, {"password1": "Neu@Passwort9", "password2": "Neu@Passwort9"})
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.password == before
    assert client.get(url).status_code == 403


def test_the_system_administrator_creates_a_token_with_an_expiry_in_the_admin() -> None:
    """The admin keeps the expiry it was given, and the creation is in the audit trail."""
    sysadmin = _user(Role.SYSTEM_ADMIN)
    owner = department_user()
    expires = timezone.localtime(clock.now() + dt.timedelta(days=30)).replace(microsecond=0)
    response = _client(sysadmin).post(
        reverse("admin:accounts_apitoken_add"),
        {
            "user": owner.pk,
            "name": "对接系统",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    token = ApiToken.objects.get(user=owner)
    assert token.expires_at is not None
    assert token.expires_at == expires
    event = AuditEvent.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert (event.actor, event.action) == (sysadmin, AuditAction.CREATE)
    assert "key_hash" not in event.changes


def test_a_past_expiry_is_refused_in_the_admin_and_nothing_is_made() -> None:
    """An expiry already gone by is refused with a message; no token is created."""
    past = timezone.localtime(clock.now() - dt.timedelta(days=1))
    response = _client(_user(Role.SYSTEM_ADMIN)).post(
        reverse("admin:accounts_apitoken_add"),
        {
            "user": department_user().pk,
            "name": "过期",
            "expires_at_0": past.strftime("%Y-%m-%d"),
            "expires_at_1": past.strftime("%H:%M:%S"),
        },
    )
    assert "有效期必须晚于现在" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_revoke_action_goes_through_the_service() -> None:
    """Revoking in the admin sets the time and writes an audit row naming the administrator."""
    from jinqi.accounts.services import api_token_create, system_user

    sysadmin = _user(Role.SYSTEM_ADMIN)
    token, _key = api_token_create(user=department_user(), name="系统", acting_user=system_user())
    response = _client(sysadmin).post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.filter(object_type="accounts.apitoken").latest("id")
    assert (event.actor, event.changes["note"]) == (sysadmin, "revoked")


def test_the_demo_has_one_account_per_administrator_and_no_superuser() -> None:
    """`jinqi demo` makes sysadmin, secadmin and auditadmin, staff but not superusers, and
    prints each with its role."""
    from jinqi.demo.accounts import demo_accounts, demo_accounts_load

    demo_accounts_load(lambda _m: None)
    made = {u.username: u for u in User.objects.filter(role__in=ADMINISTRATORS)}
    assert {name: made[name].role for name in made} == {
        "sysadmin": Role.SYSTEM_ADMIN,
        "secadmin": Role.SECURITY_ADMIN,
        "auditadmin": Role.AUDIT_ADMIN,
    }
    assert all(u.is_staff and not u.is_superuser for u in made.values())
    printed = {(label, name) for label, name, _note in demo_accounts()}
    assert {
        ("系统管理员", "sysadmin"),
        ("安全管理员", "secadmin"),
        ("审计管理员", "auditadmin"),
    } <= printed
