from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "jinqi.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.policies import registrations

        registrations.register()
