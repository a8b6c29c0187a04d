"""Who may do what with credit: an enterprise its own records, repairs and reports; the deciding
department the repairs of its own records."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.permissions import has_capability, register_capabilities

OWN = "credit.own"  # an enterprise's own records, repair applications and credit reports
REPAIR = "credit.repair"  # a department's repair queue: accept and decide (pages and API)

register_capabilities({OWN: {Role.ENTERPRISE}, REPAIR: {Role.DEPARTMENT}})


def is_own_enterprise(user: Any, uscc: str) -> bool:
    return has_capability(user, OWN) and bool(user.enterprise_uscc) and user.enterprise_uscc == uscc


def is_deciding_department(user: Any, department_id: int | None) -> bool:
    return has_capability(user, REPAIR) and user.department_id == department_id
