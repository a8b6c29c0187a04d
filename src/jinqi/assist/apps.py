from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    name = "jinqi.assist"
    label = "assist"
    verbose_name = _("Accompanied procedures")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.assist import registrations

        registrations.register()
