"""Who may do what with visits (the visit half of the inspections app): the lead office builds
visits from tasks and oversees them; a department works the visits it has a task in, and sees
every result of those visits (结果互认) but no other; the enterprise keeps its own ledger."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.permissions import has_capability, register_capabilities

BUILD_VISITS = "inspections.build_visits"  # merge open tasks into visits (综合查一次)
OVERSEE_VISITS = "inspections.oversee_visits"  # every visit, the over-cap list, the figures
WORK_VISITS = "inspections.work_visits"  # a department's visits: findings, re-checks (pages, API)
OWN_INSPECTIONS = "inspections.own"  # the enterprise's ledger: report rectification, rate
# A visit's page: its enterprise, its departments, the lead office (scoped by the selector).
FOLLOW_VISIT = "inspections.follow_visit"

register_capabilities(
    {
        BUILD_VISITS: {Role.LEAD_OFFICE},
        OVERSEE_VISITS: {Role.LEAD_OFFICE},
        WORK_VISITS: {Role.DEPARTMENT},
        OWN_INSPECTIONS: {Role.ENTERPRISE},
        FOLLOW_VISIT: {Role.ENTERPRISE, Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)


def is_own_enterprise(user: Any, enterprise_uscc: str) -> bool:
    return (
        has_capability(user, OWN_INSPECTIONS)
        and bool(getattr(user, "enterprise_uscc", ""))
        and user.enterprise_uscc == enterprise_uscc
    )


def works_for(user: Any, department_id: int | None) -> bool:
    return has_capability(user, WORK_VISITS) and user.department_id == department_id
