from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jinqi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from jinqi.accounts.demo import demo_accounts, demo_accounts_load
        from jinqi.accounts.second_factor import on_user_logged_in
        from jinqi.core.demo import DemoStep, register_demo_step

        user_logged_in.connect(on_user_logged_in, dispatch_uid="jinqi_second_factor_step")
        register_demo_step(DemoStep("accounts", 10, demo_accounts_load, demo_accounts))
