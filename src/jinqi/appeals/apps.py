from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "jinqi.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.appeals import registrations

        registrations.register()
