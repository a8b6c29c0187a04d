"""Who may do what with service guides and FAQs: anyone reads them; a department writes its own."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability, register_capabilities

MANAGE = "guides.manage"  # write, change and delete its department's guides and FAQs

register_capabilities({MANAGE: {Role.DEPARTMENT}})


def can_manage(user: User, item: Any) -> bool:
    return has_capability(user, MANAGE) and item.department_id == user.department_id
