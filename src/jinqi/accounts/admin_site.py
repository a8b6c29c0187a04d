"""The Django admin behind the second factor too (in addition to the site-wide middleware)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SecondFactorAdminSite(admin.AdminSite):
    site_header = _("Jinqi system administration")
    site_title = _("Jinqi system administration")
    index_title = _("System administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # Not a cycle: this module loads as an app config, before any model may be imported.
        from jinqi.accounts.second_factor import pending_step

        return super().has_permission(request) and not pending_step(request)


class SecondFactorAdminConfig(AdminConfig):
    default_site = "jinqi.accounts.admin_site.SecondFactorAdminSite"
