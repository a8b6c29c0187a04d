"""The second factor (TOTP with recovery codes, by django-otp): who needs it, and its writes.

Staff and administrators need it when JINQI_REQUIRE_SECOND_FACTOR is on; anyone may enrol, and
whoever has a confirmed device is asked for a code at every log-in.
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "totp"
RECOVERY_NAME = "recovery"


def second_factor_required(user: User) -> bool:
    """Staff and administrators (every role but enterprise) must use it under the setting."""
    if not settings.JINQI_REQUIRE_SECOND_FACTOR:
        return False
    return user.is_staff or user.role != Role.ENTERPRISE


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return confirmed_totp(user) is not None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_secret(device: TOTPDevice) -> str:
    """The key as the authenticator app wants it typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_new_key() -> str:
    """A new random TOTP key (hex, as django-otp stores it)."""
    return str(default_key())


def totp_config_url(*, user: User, key: str) -> str:
    """The otpauth:// address the QR code carries."""
    return str(TOTPDevice(user=user, key=key).config_url)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_enrol(*, key: str, token: str, acting_user: User) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm a new authenticator with its first code: the device (replacing any earlier one)
    and ten new recovery codes, to be shown once. None if the code is wrong (nothing written)."""
    device = TOTPDevice(user=acting_user, name=TOTP_NAME, key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    token = token.strip()
    if not (token.isdigit() and totp.verify(int(token), tolerance=device.tolerance)):
        return None
    device.last_t = totp.t()  # the code just used cannot be used again to log in
    TOTPDevice.objects.filter(user=acting_user).delete()
    device.save()
    codes = _new_recovery_codes(acting_user)
    audit_record(
        actor=acting_user, action=AuditAction.CREATE, target=acting_user, note="totp_enrol"
    )
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, acting_user: User) -> list[str]:
    """Ten new recovery codes replacing the old ones (shown once)."""
    codes = _new_recovery_codes(acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=acting_user,
        note="recovery_codes_regenerate",
    )
    return codes


@transaction.atomic
def second_factor_disable(*, user: User, acting_user: User) -> None:
    """Remove the user's authenticator and recovery codes (the user, or an administrator for a
    user who lost the phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=acting_user, action=AuditAction.DELETE, target=user, note="second_factor_disable"
    )


@transaction.atomic
def second_factor_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts this code (an authenticator code or an unused recovery code, which
    is then spent), or None."""
    token = token.strip().replace(" ", "").lower()
    totp = confirmed_totp(user)
    if totp is not None and token.isdigit() and totp.verify_token(token):
        return totp
    if totp is None:
        return None  # recovery codes only stand in for a confirmed authenticator
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            audit_record(
                actor=user, action=AuditAction.UPDATE, target=user, note="recovery_code_used"
            )
            return device
    return None


# ---------------------------------------------------------------------------------------------
# The session's state: which step (a URL name) a logged-in session still owes, if any.
# ---------------------------------------------------------------------------------------------

VERIFY_STEP = "accounts:otp_verify"
ENROL_STEP = "accounts:otp_enrol"
_SESSION_KEY = "jinqi_second_factor_step"


def step_for(user: User) -> str:
    """The step a fresh log-in of this user owes: the code, enrolment, or nothing ("")."""
    if has_second_factor(user):
        return VERIFY_STEP
    if second_factor_required(user):
        return ENROL_STEP
    return ""


def session_step_reset(request: HttpRequest, user: User) -> None:
    """Work out the owed step again (at log-in, and after the user's devices changed)."""
    request.session[_SESSION_KEY] = step_for(user)


def on_user_logged_in(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """Receiver of `user_logged_in`: a fresh log-in owes its step again."""
    if request is not None and hasattr(request, "session"):
        session_step_reset(request, user)


def pending_step(request: HttpRequest) -> str:
    """The step this request's session still owes ("" if none). Kept in the session, so that a
    page costs no query; a session from before this check is worked out once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return ""
    if _SESSION_KEY not in request.session:
        session_step_reset(request, user)
    return str(request.session[_SESSION_KEY])


def session_verified(request: HttpRequest, device: Device) -> None:
    """The session has given its second factor with this device."""
    otp_login(request, device)
    request.session[_SESSION_KEY] = ""
