"""What the policies app contributes to the shared registries: the catalogue sync after migrate,
the search source, the rematch job, menu entries and portal panel."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from jinqi.core.schedule import PeriodicJob, register_periodic_job
from jinqi.policies import permissions
from jinqi.policies.catalogue_sync import sync_after_migrate
from jinqi.policies.panels import policies_for_me_panel
from jinqi.policies.search import register_search_source
from jinqi.policies.tasks import matches_refresh_changed_task, offers_expire_task
from jinqi.web.navigation import CONTENT, PUBLIC, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel


def register() -> None:
    # The shipped policies are reference data in every install, kept in step with
    # catalogue/*.toml after each migrate (as Django keeps its permissions).
    post_migrate.connect(sync_after_migrate, sender=apps.get_app_config("policies"))
    register_search_source()
    register_periodic_job(
        PeriodicJob(
            "policies.rematch_changed",
            matches_refresh_changed_task.enqueue,
            cron={"minute": "*/5"},
        )
    )
    register_periodic_job(
        PeriodicJob(
            "policies.offers_expire",
            offers_expire_task.enqueue,
            cron={"hour": "1", "minute": "15"},
            run_at_start=True,
        )
    )
    register_nav(
        NavEntry(
            "policies:manage",
            _("Policies"),
            lambda r: (
                permissions.has_capability(r.user, permissions.MANAGE)
                or permissions.has_capability(r.user, permissions.VIEW_ALL)
            ),
            order=40,
            group=CONTENT,
        )
    )
    register_nav(
        NavEntry(
            "policies:mine",
            _("Policies for me"),
            lambda r: permissions.has_capability(r.user, permissions.FOR_ME),
            order=25,
        )
    )
    register_panel(
        PortalPanel(
            "policies",
            _("Policies matched for you"),
            "policies/portal/for_me.html",
            policies_for_me_panel,
            order=20,
        )
    )
    register_nav(
        NavEntry(
            "policies:catalogue", _("Policy catalogue"), lambda r: True, order=50, group=PUBLIC
        )
    )
