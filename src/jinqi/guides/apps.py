from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "jinqi.guides"
    label = "guides"
    verbose_name = _("Service guides and FAQs")

    def ready(self) -> None:
        from jinqi.guides import permissions
        from jinqi.guides.search import register_search_sources
        from jinqi.web.navigation import NavEntry, register_nav

        register_search_sources()
        register_nav(NavEntry("guides:guide_list", _("Service guides"), lambda r: True, order=52))
        register_nav(
            NavEntry(
                "guides:manage",
                _("Guides and FAQs"),
                lambda r: permissions.has_capability(r.user, permissions.MANAGE),
                order=45,
            )
        )
