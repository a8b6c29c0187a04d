from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalcheckConfig(AppConfig):
    name = "jinqi.legalcheck"
    label = "legalcheck"
    verbose_name = _("Legal health check")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.legalcheck import registrations

        registrations.register()
