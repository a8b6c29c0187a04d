"""Who may act on credit repairs: the enterprise on its own records (`credit.own`, declared in
`credit.permissions`), the deciding department on the repairs of its records."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.permissions import has_capability, register_capabilities
from jinqi.credit.permissions import OWN_CREDIT

REPAIR = "credit.repair"  # a department's repair queue: accept and decide (pages and API)
# An application's page: its enterprise and its deciding department (scoped by the selector).
FOLLOW = "credit.repair_follow"

register_capabilities({REPAIR: {Role.DEPARTMENT}, FOLLOW: {Role.ENTERPRISE, Role.DEPARTMENT}})


def is_own_enterprise(user: Any, uscc: str) -> bool:
    return (
        has_capability(user, OWN_CREDIT)
        and bool(getattr(user, "enterprise_uscc", ""))
        and user.enterprise_uscc == uscc
    )


def is_deciding_department(user: Any, department_id: int | None) -> bool:
    return has_capability(user, REPAIR) and user.department_id == department_id
