"""Who may do what with applications. Enterprises apply for themselves; the policy's department
reviews; the lead office supervises all and acts on the review steps that name it."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability, register_capabilities

APPLY = "applications.apply"  # start, fill in, submit, withdraw its own applications
REVIEW = "applications.review"  # the department's queue, forms, review, publicity, payment
SUPERVISE = "applications.supervise"  # every application (read), the lead office's review steps
WORKBENCH = "applications.workbench"  # the review queue (a department's own, or all)

register_capabilities(
    {
        APPLY: {Role.ENTERPRISE},
        REVIEW: {Role.DEPARTMENT},
        SUPERVISE: {Role.LEAD_OFFICE},
        WORKBENCH: {Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)


def is_applicant(user: User, application: Any) -> bool:
    return (
        has_capability(user, APPLY)
        and bool(user.enterprise_uscc)
        and user.enterprise_uscc == application.enterprise.uscc
    )


def is_policy_department(user: User, policy: Any) -> bool:
    return has_capability(user, REVIEW) and user.department_id == policy.department_id
