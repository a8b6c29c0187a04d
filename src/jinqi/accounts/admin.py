"""The Django admin of accounts. Each page belongs to one of the three administrators (三员):
users, departments and tokens to the system administrator, lockout records and second-factor
devices to the security administrator (see accounts/permissions.py and docs/permissions.md)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jinqi.accounts.enums import ADMINISTRATOR_ROLES, Role
from jinqi.accounts.models import ApiToken, Department, User
from jinqi.accounts.permissions import MANAGE_SECURITY, MANAGE_TOKENS, MANAGE_USERS
from jinqi.accounts.second_factor import second_factor_disable
from jinqi.accounts.services import api_token_create, api_token_revoke
from jinqi.core import clock
from jinqi.core.forms import LineField
from jinqi.core.permissions import (
    ADMINISTER_PLATFORM,
    CapabilityAdmin,
    all_capabilities,
    guarded_admin,
    has_capability,
)

# Other packages' admin pages, by app label: whose they are. The security settings kept in the
# database are the lockout records (axes) and the second-factor devices (django-otp).
THIRD_PARTY_ADMIN_PAGES: dict[str, tuple[str, str]] = {
    "axes": (MANAGE_SECURITY, MANAGE_SECURITY),
    "otp_totp": (MANAGE_SECURITY, MANAGE_SECURITY),
    "otp_static": (MANAGE_SECURITY, MANAGE_SECURITY),
    "otp_email": (MANAGE_SECURITY, MANAGE_SECURITY),
    "otp_hotp": (MANAGE_SECURITY, MANAGE_SECURITY),
    "django_tasks_database": (ADMINISTER_PLATFORM, ADMINISTER_PLATFORM),
}


def guard_third_party_admin_pages(site: admin.AdminSite) -> None:
    """Put the other packages' admin pages behind their administrator's capability; Django's
    groups are not used (roles decide), so their page goes. Called once the admin is loaded."""
    for model, model_admin in list(site._registry.items()):
        if model is Group:
            site.unregister(model)
            continue
        pages = THIRD_PARTY_ADMIN_PAGES.get(model._meta.app_label)
        if pages is None or isinstance(model_admin, CapabilityAdmin):
            continue
        site.unregister(model)
        site.register(model, guarded_admin(type(model_admin), view=pages[0], change=pages[1]))


# django-otp's own device pages would let an administrator read a user's key or recovery codes
# and delete devices without an audit row; resetting goes through the user page's action.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(CapabilityAdmin, BaseUserAdmin):
    """The system administrator manages the accounts of everyone but the three administrators,
    whose accounts it may read but neither make nor change (nor may it make itself one)."""

    view_capability = change_capability = MANAGE_USERS
    list_display = ["username", "full_name", "role", "department", "enterprise_uscc", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "full_name", "enterprise_uscc"]
    jinqi_fields = ("role", "full_name", "department", "enterprise_uscc")
    # Django's own permissions, groups and the superuser flag are not used: roles decide.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Jinqi"), {"fields": jinqi_fields}),
        (_("Contact"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Jinqi"), {"fields": jinqi_fields}))
    readonly_fields = ["last_login", "date_joined"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.role in ADMINISTRATOR_ROLES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.role in ADMINISTRATOR_ROLES:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = [
                (value, label) for value, label in Role.choices if value not in ADMINISTRATOR_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    actions = ["second_factor_reset"]

    @admin.action(description=_("Reset two-step verification (lost phone)"))
    def second_factor_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Remove the chosen users' authenticators and recovery codes (audited); they set up a
        new one at their next log-in where it is required."""
        for user in queryset:
            second_factor_disable(user=user, acting_user=request.user)  # type: ignore[arg-type]  # the admin is logged in
        self.message_user(
            request,
            _("Two-step verification reset for %(count)d users.") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Nobody sets another user's password here: a system administrator who could would log
        in as the lead office or an auditor. Users change their own or reset it by e-mail."""
        raise PermissionDenied


@admin.register(Department)
class DepartmentAdmin(CapabilityAdmin, admin.ModelAdmin[Department]):
    view_capability = change_capability = MANAGE_USERS
    list_display = ["name", "code", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    filter_horizontal = ["members"]


class ApiTokenForm(forms.ModelForm[ApiToken]):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to allow everything the user's role allows."),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at", "scopes"]
        field_classes = {"name": LineField}  # the text boundary (core.forms)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(c, c) for c in sorted(all_capabilities())]  # type: ignore[attr-defined]  # MultipleChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        if user is not None:
            allowed = {c for c, roles in all_capabilities().items() if user.role in roles}
            beyond = set(data.get("scopes") or []) - allowed
            if beyond:
                self.add_error(
                    "scopes",
                    _("The user's role does not allow: %(scopes)s")
                    % {"scopes": ", ".join(sorted(beyond))},
                )
        expires_at = data.get("expires_at")
        if expires_at is not None and expires_at <= clock.now():
            self.add_error("expires_at", _("The expiry must be in the future."))
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(CapabilityAdmin, admin.ModelAdmin[ApiToken]):
    """Tokens are made and revoked through the services (audited); a token is never edited or
    deleted here, only revoked."""

    view_capability = change_capability = MANAGE_TOKENS
    form = ApiTokenForm
    list_display = [
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at", "expired_at"]
    add_fields = ["user", "name", "scopes", "expires_at"]
    fields = [*add_fields, *readonly_fields]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fields if obj is None else self.fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and has_capability(request.user, MANAGE_TOKENS)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token, acting_user=cast(User, request.user))
        messages.success(request, _("The selected tokens were revoked."))

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, key = api_token_create(
            user=obj.user,
            name=obj.name,
            scopes=form.cleaned_data["scopes"] or None,
            expires_at=form.cleaned_data["expires_at"],
            acting_user=cast(User, request.user),  # the admin lets only staff in
        )
        obj.pk = token.pk
        messages.warning(
            request, _("Copy the token now; it is not shown again: %(key)s") % {"key": key}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).select_related("user")
