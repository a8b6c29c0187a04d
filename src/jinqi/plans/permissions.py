"""Who may do what with plans. Object-level scoping lives in selectors."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.accounts.models import AnyUser
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


def can_supervise(user: AnyUser) -> bool:
    return has_capability(user, SUPERVISE)


def can_report(user: AnyUser) -> bool:
    return has_capability(user, REPORT)
