from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "jinqi.credit"
    label = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.credit import registrations

        registrations.register()
