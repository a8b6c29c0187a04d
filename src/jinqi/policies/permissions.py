"""Who may do what with policies. A department manages its own; the lead office sees all."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability, register_capabilities

MANAGE = "policies.manage"  # draft, test, publish and match its department's policies
VIEW_ALL = "policies.view_all"  # every policy and its matches, read-only
FOR_ME = "policies.for_me"  # an enterprise's own "policies for me" and grants
EVALUATE = "policies.evaluate"  # evaluate a profile against a policy (API)
# The management pages: a department sees its own policies, the lead office all (read-only).
VIEW = "policies.view"

register_capabilities(
    {
        MANAGE: {Role.DEPARTMENT},
        VIEW_ALL: {Role.LEAD_OFFICE},
        FOR_ME: {Role.ENTERPRISE},
        EVALUATE: {Role.DEPARTMENT, Role.LEAD_OFFICE},
        VIEW: {Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)


def can_manage(user: User, policy: Any) -> bool:
    return has_capability(user, MANAGE) and policy.department_id == user.department_id
