from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "jinqi.financing"
    label = "financing"
    verbose_name = _("Financing")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.financing import registrations

        registrations.register()
