"""Who may do what with plans. Object-level scoping lives in selectors."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.models import StoredFile
from jinqi.core.permissions import has_capability, register_capabilities

SUPERVISE = "plans.supervise"  # dashboards, reviews, urging, supervision log, imports, export
REPORT = "plans.report"  # submit progress reports on one's own measures
VIEW_LEDGER = "plans.view_ledger"  # the measure list and its export

register_capabilities(
    {
        SUPERVISE: {Role.LEAD_OFFICE},
        REPORT: {Role.DEPARTMENT},
        VIEW_LEDGER: {Role.LEAD_OFFICE, Role.DEPARTMENT},
    }
)


def can_supervise(user: Any) -> bool:
    return has_capability(user, SUPERVISE)


def can_report(user: Any) -> bool:
    return has_capability(user, REPORT)


def can_download_evidence(user: Any, stored: StoredFile) -> bool:
    """Evidence goes with its report: whoever may read the report may download it."""
    # plans.selectors imports this module (can_report, can_supervise).
    from jinqi.plans.selectors import reports_visible_to

    if not has_capability(user, VIEW_LEDGER):
        return False
    return reports_visible_to(user).filter(evidence=stored).exists()
