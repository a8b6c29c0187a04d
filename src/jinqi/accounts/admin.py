from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import ApiToken, Department, User
from jinqi.accounts.services import api_token_create
from jinqi.core.forms import LineField
from jinqi.core.permissions import all_capabilities


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "department", "enterprise_uscc", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "full_name", "enterprise_uscc"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # tuple of fieldsets
        (_("Jinqi"), {"fields": ("role", "full_name", "department", "enterprise_uscc")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Jinqi"), {"fields": ("role", "full_name", "department", "enterprise_uscc")}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
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
        fields = ["user", "name", "expires_at", "revoked_at", "scopes"]
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
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "scopes", "expires_at", "revoked_at", *readonly_fields]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = api_token_create(
            user=obj.user, name=obj.name, scopes=form.cleaned_data["scopes"] or None
        )
        obj.pk = token.pk
        messages.warning(
            request, _("Copy the token now; it is not shown again: %(key)s") % {"key": key}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).select_related("user")
