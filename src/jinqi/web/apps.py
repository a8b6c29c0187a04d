from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.web.navigation import NavEntry, register_nav
from jinqi.web.permissions import PORTAL, TODO


class WebConfig(AppConfig):
    name = "jinqi.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        register_nav(
            NavEntry("web:portal", _("My page"), lambda r: has_capability(r.user, PORTAL), order=5)
        )
        register_nav(
            NavEntry("web:todo", _("To-do"), lambda r: has_capability(r.user, TODO), order=4)
        )
