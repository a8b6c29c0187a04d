from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "jinqi.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which load after app configs.
        from jinqi.inspections import registrations, visit_registrations

        registrations.register()
        visit_registrations.register()
