from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "jinqi.guides"
    label = "guides"
    verbose_name = _("Service guides and FAQs")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.guides import registrations

        registrations.register()
