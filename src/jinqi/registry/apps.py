from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jinqi.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.registry import registrations

        registrations.register()
