"""Log-in (password, then the second factor), account security, password change and reset."""

from __future__ import annotations

from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from jinqi.accounts import second_factor
from jinqi.accounts.forms import CodeForm, PasswordConfirmForm
from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import User
from jinqi.accounts.services import user_password_set
from jinqi.core.permissions import AUTHENTICATED, requires
from jinqi.web.navigation import landing_for

_PENDING_KEY = "jinqi_totp_pending_key"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return landing_for(request.user)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_for(self.request.user)


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


# ---------------------------------------------------------------------------------------------
# The second factor
# ---------------------------------------------------------------------------------------------


def _locked_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    """End the half-logged-in session and answer with the lockout page."""
    logout(request)
    return get_lockout_response(request, credentials=credentials)


@requires(AUTHENTICATED)
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The code step after the password: an authenticator code or a recovery code. A wrong
    code counts towards the lockout like a wrong password."""
    user = request.user
    if second_factor.pending_step(request) != second_factor.VERIFY_STEP:
        return redirect(_next_url(request))
    if not second_factor.has_second_factor(user):
        # Reset by an administrator since this log-in: nothing to verify; enrolment may be owed.
        second_factor.session_step_reset(request, user)
        return redirect(_next_url(request))
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request, credentials)
        device = second_factor.second_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            second_factor.session_verified(request, device)
            return redirect(_next_url(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        form.add_error(
            "code",
            _(
                "The code is wrong or has expired. Enter the code your authenticator app shows "
                "now, or one of your recovery codes."
            ),
        )
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG (drawn here: no image service, nothing from outside)."""
    svg: str = segno.make(data, error="m").svg_inline(scale=5, dark="#1f2933", light="#ffffff")
    # Safe: SVG that segno drew from our own otpauth address.
    return mark_safe(svg)


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The recovery codes, shown once: on this response only, never stored in the clear."""
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "codes_text": "\r\n".join(codes) + "\r\n"},
    )


@requires(AUTHENTICATED)
def otp_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a first
    code; the recovery codes follow. Staff and administrators must do it when it is required."""
    user = request.user
    key = request.session.get(_PENDING_KEY)
    if not key:
        key = request.session[_PENDING_KEY] = second_factor.totp_new_key()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolled = second_factor.totp_enrol(
            key=key, token=form.cleaned_data["code"], acting_user=user
        )
        if enrolled is not None:
            device, codes = enrolled
            del request.session[_PENDING_KEY]
            second_factor.session_verified(request, device)
            messages.success(request, _("Two-step verification is on."))
            return _show_recovery_codes(request, codes)
        form.add_error(
            "code",
            _("The code is wrong or has expired. Enter the code your authenticator app shows now."),
        )
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": _qr_svg(second_factor.totp_config_url(user=user, key=key)),
            "secret": second_factor.totp_secret(TOTPDevice(key=key)),
            "required": second_factor.pending_step(request) == second_factor.ENROL_STEP,
            "replacing": second_factor.has_second_factor(user),
        },
    )


@requires(AUTHENTICATED)
@require_POST
def recovery_codes_new(request: AuthenticatedRequest) -> HttpResponse:
    """Ten new recovery codes, replacing the old ones (only alongside an authenticator)."""
    if not second_factor.has_second_factor(request.user):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("accounts:security")
    return _show_recovery_codes(
        request, second_factor.recovery_codes_regenerate(acting_user=request.user)
    )


@requires(AUTHENTICATED)
def otp_disable(request: AuthenticatedRequest) -> HttpResponse:
    """Turn two-step verification off (asks for the password again)."""
    user = request.user
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        second_factor.second_factor_disable(user=user, acting_user=user)
        second_factor.session_step_reset(request, user)
        messages.success(request, _("Two-step verification is off."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/otp_disable.html",
        {"form": form, "required": second_factor.second_factor_required(user)},
    )


@requires(AUTHENTICATED)
def security(request: AuthenticatedRequest) -> HttpResponse:
    """The user's account security: password and two-step verification."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_second_factor": second_factor.has_second_factor(user),
            "required": second_factor.second_factor_required(user),
            "recovery_codes_left": second_factor.recovery_codes_left(user),
        },
    )


# ---------------------------------------------------------------------------------------------
# Password change and reset (Django's views, our templates, the change written by a service)
# ---------------------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.user
        user_password_set(user=user, password=form.cleaned_data["new_password1"], acting_user=user)
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an e-mail address; whether an account has it is never revealed."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.user
        user_password_set(
            user=user, password=form.cleaned_data["new_password1"], acting_user=user, reset=True
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
