"""Two-step verification (TOTP and recovery codes): enrolment, the code step, the requirement."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jinqi.accounts import second_factor
from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PENDING_KEY = "jinqi_totp_pending_key"


@pytest.fixture
def required(settings: Any) -> None:
    """Production's rule: staff and administrators must use the second factor."""
    settings.JINQI_REQUIRE_SECOND_FACTOR = True


def code_for(key_hex: str, offset: int = 0) -> str:
    """The six-digit code an authenticator app shows for this key (offset in 30 s steps)."""
    device = TOTPDevice(key=key_hex)
    return f"{totp(device.bin_key, t0=-offset * device.step):06d}"


def log_in(client: Client, user: User, **extra: Any) -> Any:
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, **extra
    )


def enrol(client: Client) -> tuple[str, list[str]]:
    """Enrol through the page: returns the key and the recovery codes shown."""
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200
    key = client.session[PENDING_KEY]
    response = client.post(reverse("accounts:otp_enrol"), {"code": code_for(key)})
    assert response.status_code == 200
    return key, list(response.context["codes"])


def verified_client(user: User, key: str) -> Client:
    """A session that gave the password and then the next code of the authenticator."""
    client = Client()
    log_in(client, user)
    response = client.post(reverse("accounts:otp_verify"), {"code": code_for(key, offset=1)})
    assert response.status_code == 302
    return client


def enrolled_user(**kwargs: Any) -> tuple[User, str, list[str]]:
    user = department_user(**kwargs)
    client = Client()
    client.force_login(user)
    key, codes = enrol(client)
    return user, key, codes


def test_enrolment_page_shows_a_qr_code_and_the_key() -> None:
    """The enrolment page draws the QR code inline (SVG, nothing from outside) and the key."""
    client = Client()
    client.force_login(department_user())
    response = client.get(reverse("accounts:otp_enrol"))
    body = response.content.decode()
    assert "<svg" in body
    assert "设置两步验证" in body
    key = client.session[PENDING_KEY]
    assert second_factor.totp_secret(TOTPDevice(key=key)) in body
    assert not TOTPDevice.objects.exists()  # nothing stored until confirmed


def test_enrolment_with_a_wrong_code_is_refused_and_stores_nothing() -> None:
    """A wrong first code is refused in Chinese; no device is stored, no audit row."""
    user = department_user()
    client = Client()
    client.force_login(user)
    client.get(reverse("accounts:otp_enrol"))
    response = client.post(reverse("accounts:otp_enrol"), {"code": "000000"})
    assert "验证码不正确或已过期" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(changes__note="totp_enrol").exists()


def test_enrolment_confirms_the_device_and_shows_ten_recovery_codes_once() -> None:
    """The first right code confirms the authenticator; ten recovery codes are shown, and the
    enrolment is audited."""
    user, key, codes = enrolled_user()
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.key == key
    assert len(codes) == len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert AuditEvent.objects.filter(object_id=str(user.pk), changes__note="totp_enrol").exists()


def test_log_in_asks_for_the_code_and_nothing_else_is_reachable() -> None:
    """With an authenticator, the password alone reaches only the code step; the right code
    then opens the site."""
    user, key, _codes = enrolled_user()
    client = Client()
    response = log_in(client, user)
    assert response.status_code == 302
    inbox = client.get(reverse("notifications:inbox"))
    assert inbox.status_code == 302
    assert inbox["Location"].startswith(reverse("accounts:otp_verify"))
    # The code of the next time step: the enrolment used the current one.
    response = client.post(reverse("accounts:otp_verify"), {"code": code_for(key, offset=1)})
    assert response.status_code == 302
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_a_wrong_code_is_refused_and_counted_by_the_lockout() -> None:
    """A wrong code is refused with a Chinese message, the session stays unverified, and the
    failure is recorded for the user and address like a wrong password."""
    user, _key, _codes = enrolled_user()
    client = Client()
    log_in(client, user)
    response = client.post(reverse("accounts:otp_verify"), {"code": "123456"})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(reverse("notifications:inbox")).status_code == 302
    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.failures_since_start == 1
    assert attempt.ip_address == "127.0.0.1"


def test_five_wrong_codes_lock_the_user_out_and_end_the_session() -> None:
    """Wrong codes lock the account like wrong passwords: the fifth ends the session."""
    user, _key, _codes = enrolled_user()
    client = Client()
    log_in(client, user)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:otp_verify"), {"code": "123456"}).status_code == 200
    response = client.post(reverse("accounts:otp_verify"), {"code": "123456"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once_and_is_audited() -> None:
    """A recovery code stands in for the phone once; used again it is refused."""
    user, _key, codes = enrolled_user()
    client = Client()
    log_in(client, user)
    response = client.post(reverse("accounts:otp_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("notifications:inbox")).status_code == 200
    assert AuditEvent.objects.filter(changes__note="recovery_code_used").count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 9
    again = Client()
    log_in(again, user)
    response = again.post(reverse("accounts:otp_verify"), {"code": codes[0]})
    assert "验证码不正确或已过期" in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones() -> None:
    """Asking for new recovery codes shows ten new ones, voids the old, and is audited."""
    user, key, codes = enrolled_user()
    client = verified_client(user, key)
    response = client.post(reverse("accounts:recovery_codes"))
    fresh = list(response.context["codes"])
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(fresh)
    assert AuditEvent.objects.filter(changes__note="recovery_codes_regenerate").exists()


def test_turning_off_needs_the_password() -> None:
    """Turning two-step verification off asks for the password: a wrong one changes nothing,
    the right one removes the authenticator and the codes, audited."""
    user, key, _codes = enrolled_user()
    client = verified_client(user, key)
    response = client.post(reverse("accounts:otp_disable"), {"password": "wrong"})
    assert "密码不正确" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    response = client.post(reverse("accounts:otp_disable"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(changes__note="second_factor_disable").exists()


def test_an_enterprise_may_opt_in(required: None) -> None:
    """An enterprise user is never forced, but once enrolled is asked for the code too."""
    firm = UserFactory(enterprise=True)
    client = Client()
    log_in(client, firm)
    assert client.get(reverse("web:portal")).status_code == 200
    key, _codes = enrol(client)
    client.logout()
    log_in(client, firm)
    assert client.get(reverse("web:portal"))["Location"].startswith(reverse("accounts:otp_verify"))
    client.post(reverse("accounts:otp_verify"), {"code": code_for(key, offset=1)})
    assert client.get(reverse("web:portal")).status_code == 200


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: department_user(), id="department"),
        pytest.param(lambda: UserFactory(lead_office=True), id="lead_office"),
        pytest.param(lambda: UserFactory(system_admin=True), id="system-admin"),
        pytest.param(lambda: UserFactory(security_admin=True), id="security-admin"),
        pytest.param(lambda: UserFactory(audit_admin=True), id="audit-admin"),
    ],
)
def test_required_staff_must_enrol_before_anything_else(make_user: Any, required: None) -> None:
    """Under the requirement a staff member or administrator without an authenticator is sent
    to enrolment after the password and reaches nothing else, the admin included."""
    user = make_user()
    client = Client()
    log_in(client, user)
    for name in ("notifications:inbox", "accounts:security", "admin:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:otp_enrol")), name
    enrol(client)
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_without_the_requirement_staff_log_in_at_once() -> None:
    """The demo and local default: a staff member without an authenticator logs in at once."""
    assert settings.JINQI_REQUIRE_SECOND_FACTOR is False
    client = Client()
    log_in(client, department_user())
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_admin_site_refuses_an_unverified_session() -> None:
    """The Django admin itself refuses an administrator who has not given the code."""
    from django.contrib import admin
    from django.test import RequestFactory

    user, _key, _codes = enrolled_user()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    log_in(client, user)
    request = RequestFactory().get("/admin/")
    request.user = user
    request.session = client.session
    assert admin.site.has_permission(request) is False


def test_production_settings_require_the_second_factor_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """jinqi.settings.prod turns the requirement on by default; JINQI_REQUIRE_SECOND_FACTOR=0
    turns it off; the base settings (demo, local) leave it off."""
    from jinqi.settings import environment

    monkeypatch.setenv("JINQI_SECRET_KEY", "test-only-secret")
    try:
        monkeypatch.delenv("JINQI_REQUIRE_SECOND_FACTOR", raising=False)
        importlib.reload(environment)
        assert (
            importlib.reload(
                importlib.import_module("jinqi.settings.base")
            ).JINQI_REQUIRE_SECOND_FACTOR
            is False
        )
        assert (
            importlib.reload(
                importlib.import_module("jinqi.settings.prod")
            ).JINQI_REQUIRE_SECOND_FACTOR
            is True
        )
        monkeypatch.setenv("JINQI_REQUIRE_SECOND_FACTOR", "0")
        importlib.reload(environment)
        assert (
            importlib.reload(
                importlib.import_module("jinqi.settings.prod")
            ).JINQI_REQUIRE_SECOND_FACTOR
            is False
        )
    finally:
        monkeypatch.undo()
        importlib.reload(environment)
        importlib.reload(importlib.import_module("jinqi.settings.base"))


def test_an_administrator_resets_a_lost_authenticator_through_the_audited_action() -> None:
    """The admin's user action removes a user's authenticator and codes with an audit row; the
    device pages that show keys are not in the admin."""
    from django.contrib import admin

    user, _key, _codes = enrolled_user()
    administrator = UserFactory(system_admin=True)
    client = Client()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "second_factor_reset", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(changes__note="second_factor_disable")
    assert event.actor == administrator and event.object_id == str(user.pk)
    assert not admin.site.is_registered(TOTPDevice)


def test_a_session_whose_authenticator_was_reset_is_not_stuck_at_the_code_step(
    required: None,
) -> None:
    """If an administrator resets the authenticator while its owner is at the code step, the
    code step sends the user on to enrol a new one rather than asking for a code forever."""
    user, _key, _codes = enrolled_user()
    client = Client()
    log_in(client, user)
    second_factor.second_factor_disable(user=user, acting_user=UserFactory(system_admin=True))
    response = client.get(reverse("accounts:otp_verify"))
    assert response.status_code == 302
    assert client.get(reverse("notifications:inbox"))["Location"].startswith(
        reverse("accounts:otp_enrol")
    )
