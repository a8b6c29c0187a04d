from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "jinqi.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.applications import registrations

        registrations.register()
