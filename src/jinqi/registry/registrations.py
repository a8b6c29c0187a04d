"""What the registry app contributes to the shared registries: portal panel, upload
kinds and menu entries."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import User
from jinqi.core.uploads import TABLE_TYPES, UploadPurpose, register_purpose
from jinqi.registry import permissions
from jinqi.registry.importing import IMPORT_FILE_PURPOSE, REPORT_UPLOAD
from jinqi.registry.panels import my_record_panel
from jinqi.registry.selectors import todo_corrections
from jinqi.registry.user_links import user_enterprise_fill
from jinqi.web.navigation import DATA, NavEntry, register_nav
from jinqi.web.portal import PortalPanel, register_panel
from jinqi.web.todo import TodoItem, register_todo


def register() -> None:
    # Accounts, below the registry, never imports it: the registry keeps the user's link.
    pre_save.connect(user_enterprise_fill, sender=User, dispatch_uid="registry_user_link")
    register_panel(
        PortalPanel(
            "registry",
            _("My enterprise record"),
            "registry/portal/record.html",
            my_record_panel,
            order=60,
        )
    )
    register_purpose(REPORT_UPLOAD)  # error reports of bulk imports
    register_purpose(
        UploadPurpose(
            key=IMPORT_FILE_PURPOSE,
            allowed_types=TABLE_TYPES,
            can_download=permissions.can_download_import_file,
        )
    )

    register_nav(
        NavEntry(
            "registry:list",
            _("Enterprise registry"),
            lambda r: permissions.can_view(r.user),
            order=30,
            group=DATA,
        )
    )
    register_nav(
        NavEntry(
            "registry:mine",
            _("My enterprise"),
            lambda r: permissions.has_capability(r.user, permissions.OWN_RECORD),
            order=30,
        )
    )
    register_nav(
        NavEntry(
            "registry:imports",
            _("Data imports"),
            lambda r: permissions.has_capability(r.user, permissions.PUSH_FACTS),
            order=36,
            group=DATA,
        )
    )
    register_nav(
        NavEntry(
            "registry:corrections",
            _("Correction requests"),
            lambda r: permissions.has_capability(r.user, permissions.ANSWER_CORRECTIONS),
            order=35,
            group=DATA,
        )
    )
    register_todo(
        TodoItem(
            "registry.corrections",
            _("Correction requests to answer"),
            "registry:corrections",
            lambda r: todo_corrections(r.user),
            order=40,
        )
    )
