"""The password rule, password change for everyone, and reset by e-mail without enumeration."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jinqi.accounts.password_validation import CharacterClassesValidator
from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.audit.models import AuditEvent
from jinqi.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

RULE = "密码至少 8 位，并须包含大写字母、小写字母、数字、符号四类中的至少三类。"
NEW_PASSWORD = "Silver-Lake-2026"


@pytest.mark.parametrize(
    "password", ["relweak1", "abcdefgh", "ABCDEFG1", "Ab1!", "abcd1234", "Abcdefgh"]
)
def test_simple_passwords_are_refused_in_chinese(password: str) -> None:
    """Fewer than 8 characters or fewer than three character classes: refused, in Chinese."""
    with pytest.raises(ValidationError) as refused:
        CharacterClassesValidator().validate(password)
    assert refused.value.messages == [RULE]


@pytest.mark.parametrize(
    "password", ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Abcdefg!", "金企山Ab123"]
)
def test_passwords_with_three_classes_pass_the_rule(password: str) -> None:
    """Eight characters with three of upper, lower, digits and symbols satisfy the rule."""
    CharacterClassesValidator().validate(password)


def test_relweak1_is_refused_by_the_configured_validators() -> None:
    """The validators every password form uses refuse relweak1."""
    with pytest.raises(ValidationError) as refused:
        validate_password("relweak1")
    assert RULE in refused.value.messages


def test_the_demo_and_test_passwords_pass_every_validator() -> None:
    """The printed demo password and the factories' password satisfy the full chain."""
    user = UserFactory(username="market-regulation", full_name="区市场监管局联络员")
    validate_password(DEMO_PASSWORD, user)
    validate_password(PASSWORD, user)


def _change(client: Client, old: str, new: str) -> object:
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: UserFactory(enterprise=True), id="enterprise"),
        pytest.param(lambda: department_user(), id="department"),
        pytest.param(lambda: UserFactory(lead_office=True), id="lead_office"),
        pytest.param(lambda: UserFactory(system_admin=True), id="system-admin"),
        pytest.param(lambda: UserFactory(security_admin=True), id="security-admin"),
        pytest.param(lambda: UserFactory(audit_admin=True), id="audit-admin"),
    ],
)
def test_every_user_can_change_the_password(make_user: object) -> None:
    """Any logged-in user changes the password and stays logged in; the change is audited."""
    user = make_user()  # type: ignore[operator]
    client = Client()
    client.force_login(user)
    assert "修改密码" in client.get(reverse("accounts:password_change")).content.decode()
    response = _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:security")).status_code == 200  # session kept
    assert AuditEvent.objects.filter(
        object_id=str(user.pk), changes__note="password_change"
    ).exists()


def test_a_weak_new_password_is_refused_and_nothing_changes() -> None:
    """A new password breaking the rule is refused with the rule in Chinese; the old one stays."""
    user = department_user()
    client = Client()
    client.force_login(user)
    response = _change(client, PASSWORD, "relweak1")
    assert RULE in response.content.decode()  # type: ignore[attr-defined]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(changes__note="password_change").exists()


def test_a_wrong_old_password_is_refused() -> None:
    """Without the current password the change is refused and nothing changes."""
    user = department_user()
    client = Client()
    client.force_login(user)
    response = _change(client, "Not-The-Password-1", NEW_PASSWORD)
    assert "旧密码不正确" in response.content.decode()  # type: ignore[attr-defined]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_security_page_links_the_password_change_from_the_user_menu() -> None:
    """Every page's user menu links to account security, which links to the password change."""
    client = Client()
    client.force_login(department_user())
    home = client.get(reverse("notifications:inbox")).content.decode()
    assert reverse("accounts:security") in home
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:password_change") in page


def test_reset_by_e_mail_sets_a_new_password_and_is_audited() -> None:
    """The link mailed (in Chinese) sets a new password once; the reset is audited."""
    user = department_user(email="zhang@jinqi.example")
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "zhang@jinqi.example"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["zhang@jinqi.example"]
    assert "设置新密码" in message.subject
    assert "如非本人操作" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", str(message.body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "设置新密码" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        object_id=str(user.pk), changes__note="password_reset"
    ).exists()
    again = client.get(link.group(1), follow=True)
    assert "该链接无效" in again.content.decode()


def _main(response: Any) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_reset_reveals_no_account() -> None:
    """An unknown address and a user without an e-mail get the same neutral page and no mail."""
    UserFactory(username="no-mail", email="")
    known = UserFactory(email="known@jinqi.example")
    answers = []
    for address in ("known@jinqi.example", "nobody@jinqi.example", ""):
        response = Client().post(
            reverse("accounts:password_reset"), {"email": address}, follow=True
        )
        answers.append(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [known.email]
    first, unknown, empty = answers
    assert first.redirect_chain == unknown.redirect_chain
    assert _main(first) == _main(unknown)  # the page but its CSRF token
    assert "如有账号绑定了该邮箱" in unknown.content.decode()
    assert empty.status_code == 200 and "/sent/" not in empty.request["PATH_INFO"]
