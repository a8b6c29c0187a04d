"""What repair and the credit report add to the shared registries: the repair materials' upload
kind, the report's revocation on a record's change and its freshness check, the department's
repair queue in the menu (called from `credit.registrations`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jinqi.core.permissions import has_capability
from jinqi.core.uploads import EVIDENCE_TYPES, UploadPurpose, register_purpose
from jinqi.credit import reports
from jinqi.credit.models import CreditRecord
from jinqi.credit.repair_permissions import REPAIR
from jinqi.credit.repairs import MATERIAL_PURPOSE, material_download_allowed, repair_queue
from jinqi.credit.signals import record_changed
from jinqi.web.navigation import DATA, NavEntry, register_nav


def _revoke_reports(sender: Any, record: CreditRecord, **kwargs: Any) -> None:
    reports.credit_reports_recheck(enterprise=record.enterprise)


def register() -> None:
    register_purpose(UploadPurpose(MATERIAL_PURPOSE, EVIDENCE_TYPES, material_download_allowed))
    reports.register()
    record_changed.connect(_revoke_reports, dispatch_uid="credit.reports_revoke")
    register_nav(
        NavEntry(
            "credit:repair_queue",
            _("Credit repair"),
            lambda r: has_capability(r.user, REPAIR),
            order=38,
            badge=lambda r: repair_queue(r.user).count(),
            group=DATA,
        )
    )
