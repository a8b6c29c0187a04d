from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jinqi.web.navigation import NavEntry, register_nav


class AccountsConfig(AppConfig):
    name = "jinqi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Not a cycle: models, and the modules using them, may load only once the registry is ready.
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from jinqi.accounts import permissions  # noqa: F401  # registers the capabilities
        from jinqi.accounts.admin import guard_third_party_admin_pages
        from jinqi.accounts.second_factor import on_user_logged_in
        from jinqi.accounts.tasks import api_tokens_expire_task
        from jinqi.core.schedule import PeriodicJob, register_periodic_job

        user_logged_in.connect(on_user_logged_in, dispatch_uid="jinqi_second_factor_step")
        # The admin's ready() (earlier in INSTALLED_APPS) has loaded every package's pages.
        guard_third_party_admin_pages(admin.site)
        # The administrators' way into the Django admin: the same test its site applies.
        register_nav(
            NavEntry(
                "admin:index",
                _("System administration"),
                lambda r: r.user.is_active and r.user.is_staff,
                order=95,
            )
        )
        register_periodic_job(
            PeriodicJob(
                "accounts.api_tokens_expire",
                api_tokens_expire_task.enqueue,
                cron={"hour": "1", "minute": "5"},
                run_at_start=True,
            )
        )
