from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "jinqi.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.plans import registrations

        registrations.register()
