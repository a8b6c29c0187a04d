from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "jinqi.providers"
    label = "providers"
    verbose_name = _("Service providers")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.providers import registrations

        registrations.register()
