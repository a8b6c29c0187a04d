"""Who may do what with appeals. Enterprises file and follow their own; the department the
routing table names handles them; the lead office edits the routing table, watches escalations
and statistics, urges and reassigns."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability, register_capabilities

FILE = "appeals.file"  # file appeals, follow them, supply information, rate, reopen
HANDLE = "appeals.handle"  # respond, ask for information, transfer, resolve, merge
SUPERVISE = "appeals.supervise"  # routing table, escalations, statistics, urge, reassign
WORK = "appeals.work"  # the queue, an appeal's page and the export (own department, or all)

register_capabilities(
    {
        FILE: {Role.ENTERPRISE},
        HANDLE: {Role.DEPARTMENT},
        SUPERVISE: {Role.LEAD_OFFICE},
        WORK: {Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)


def is_filer(user: User, appeal: Any) -> bool:
    """A user of the enterprise that filed the appeal."""
    return (
        has_capability(user, FILE)
        and bool(user.enterprise_uscc)
        and user.enterprise_uscc == appeal.enterprise.uscc
    )


def is_handler(user: User, appeal: Any) -> bool:
    """Staff of the department now responsible for the appeal."""
    return has_capability(user, HANDLE) and user.department_id == appeal.department_id
