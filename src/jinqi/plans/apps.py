from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "jinqi.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from jinqi.plans import registrations

        registrations.register()
