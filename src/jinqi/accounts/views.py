from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import resolve_url
from django.utils.decorators import method_decorator

from jinqi.accounts.enums import Role


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Enterprise users land on their own page; the other roles on LOGIN_REDIRECT_URL."""
        if getattr(self.request.user, "role", None) == Role.ENTERPRISE:
            return resolve_url("web:portal")
        return super().get_default_redirect_url()


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass
