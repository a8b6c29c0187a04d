from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "jinqi.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        # Not at the top: registrations import models, which Django loads only before ready().
        from jinqi.plans import registrations

        registrations.register()
