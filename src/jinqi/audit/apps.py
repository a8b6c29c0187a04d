from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jinqi.audit.permissions import READ_TRAIL
from jinqi.core.permissions import has_capability
from jinqi.web.navigation import NavEntry, register_nav


class AuditConfig(AppConfig):
    name = "jinqi.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        register_nav(
            NavEntry(
                "audit:trail",
                _("Audit trail"),
                lambda r: has_capability(r.user, READ_TRAIL),
                order=90,
            )
        )
