"""Account security in the browser: two-step verification set up and used, password changed."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from jinqi.accounts.tests.factories import PASSWORD

# Like every browser test: committed data for the live server, and the seeded departments
# restored after the flush (a flush without it would leave the next test without them).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "Silver-Lake-2026"
# Latin letters a Chinese page may show: the brand's emblem aside, none.
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def _code(secret: str, offset: int = 0) -> str:
    """What an authenticator app shows for the key as the page printed it."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, t0=-offset * 30):06d}"


def _no_english(page: Any) -> None:
    """The page's text (keys and codes, which are random letters, aside) has no English word."""
    text = page.evaluate(
        """() => { const main = document.querySelector("main").cloneNode(true);
                   main.querySelectorAll("code").forEach(c => c.remove());
                   return main.innerText; }"""
    )
    words = ENGLISH_WORD.findall(text)
    assert not words, f"English words on {page.url}: {words}"


def _password_step(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _log_out(page: Any) -> None:
    with page.expect_navigation():
        page.locator(".site-header form[action$='/logout/'] button").click()


def test_staff_enrols_totp_logs_out_and_logs_in_with_a_code(
    page: Any,
    live_server: Any,
    department_users: Callable[[str], Any],
    login: Callable[..., None],
    shot: Callable[..., Path],
) -> None:
    """A staff member sets up an authenticator from the security page, keeps the recovery codes,
    logs out; at the next log-in a wrong code is refused and the right one lets them in."""
    staff = department_users("market-regulation")
    login(page, live_server, staff.username, PASSWORD)
    page.locator(".site-header a[href$='/accounts/security/']").click()
    page.get_by_role("link", name="设置两步验证").click()
    page.locator(".qr svg").wait_for()
    secret = page.locator("[data-secret]").inner_text()
    shot(page, "accounts-totp-enrol")
    _no_english(page)
    page.locator("input[name=code]").fill(_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="确认并开启").click()
    codes = page.locator(".recovery-codes li")
    assert codes.count() == 10
    assert "两步验证已开启" in page.locator(".messages").inner_text()
    shot(page, "accounts-recovery-codes")
    _no_english(page)

    _log_out(page)
    _password_step(page, live_server, staff.username, PASSWORD)
    assert page.url.startswith(f"{live_server.url}/accounts/code/")
    page.locator("input[name=code]").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="验证").click()
    assert "验证码不正确或已过期" in page.locator("main").inner_text()
    shot(page, "accounts-totp-wrong-code")
    _no_english(page)
    # django-otp holds back a second try for a second after a wrong code.
    page.wait_for_timeout(2_100)
    page.locator("input[name=code]").fill(_code(secret, offset=1))
    with page.expect_navigation():
        page.get_by_role("button", name="验证").click()
    assert "/accounts/" not in page.url
    page.goto(f"{live_server.url}/accounts/security/")
    assert "已开启" in page.locator("main").inner_text()
    shot(page, "accounts-security")
    _no_english(page)


def test_a_user_changes_the_password_and_logs_in_with_the_new_one(
    page: Any,
    live_server: Any,
    lead_office_user: Any,
    login: Callable[..., None],
    shot: Callable[..., Path],
) -> None:
    """From the user menu a user changes the password; the next log-in takes the new one."""
    login(page, live_server, lead_office_user.username, PASSWORD)
    page.locator(".site-header a[href$='/accounts/security/']").click()
    page.get_by_role("link", name="修改密码").click()
    page.locator("input[name=old_password]").fill(PASSWORD)
    page.locator("input[name=new_password1]").fill("relweak1")
    page.locator("input[name=new_password2]").fill("relweak1")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "至少 8 位" in page.locator("main").inner_text()
    shot(page, "accounts-password-too-simple")
    _no_english(page)
    page.locator("input[name=old_password]").fill(PASSWORD)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "密码已修改" in page.locator("main").inner_text()
    shot(page, "accounts-password-changed")
    _no_english(page)

    _log_out(page)
    _password_step(page, live_server, lead_office_user.username, PASSWORD)
    assert "/accounts/login/" in page.url  # the old password no longer works
    login(page, live_server, lead_office_user.username, NEW_PASSWORD)
    page.goto(f"{live_server.url}/accounts/password/reset/")
    shot(page, "accounts-password-reset")
