"""Who may do what in the legal health check.

The provider side is the 区司法局 (its 司法所 in the towns are its dispatched offices, so their
staff are the bureau's department users) or a member of an admitted service provider."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.permissions import has_capability, register_capabilities
from jinqi.providers.enums import ProviderCategory
from jinqi.providers.models import ServiceProvider
from jinqi.providers.selectors import admitted_provider_for

REQUEST = "legalcheck.request"  # an enterprise asks for a check and follows its own
PROVIDE = "legalcheck.provide"  # take, fill in, report, rectify, return visit
EDIT_CHECKLIST = "legalcheck.edit_checklist"  # the 区司法局 edits the checklist
READ_CHECKLIST = "legalcheck.read_checklist"  # the checklist as it stands
FOLLOW = "legalcheck.follow"  # a check's page: its enterprise and its provider

JUSTICE_BUREAU = "justice"  # the seeded department code of 区司法局 (docs/departments.md)

register_capabilities(
    {
        REQUEST: {Role.ENTERPRISE},
        PROVIDE: {Role.DEPARTMENT, Role.PROVIDER},
        EDIT_CHECKLIST: {Role.DEPARTMENT},
        FOLLOW: {Role.ENTERPRISE, Role.DEPARTMENT, Role.PROVIDER},
        READ_CHECKLIST: {Role.ENTERPRISE, Role.DEPARTMENT, Role.LEAD_OFFICE, Role.PROVIDER},
    }
)


def is_justice_staff(user: Any) -> bool:
    department = getattr(user, "department", None)
    return (
        getattr(user, "role", "") == Role.DEPARTMENT
        and department is not None
        and department.code == JUSTICE_BUREAU
    )


def can_edit_checklist(user: Any) -> bool:
    return has_capability(user, EDIT_CHECKLIST) and is_justice_staff(user)


def law_firm_of(user: Any) -> ServiceProvider | None:
    """The admitted law firm the user acts for, if any (other kinds of provider do not check)."""
    if getattr(user, "role", "") != Role.PROVIDER:
        return None
    provider = admitted_provider_for(user)
    if provider is None or provider.category != ProviderCategory.LAW_FIRM:
        return None
    return provider


def is_provider(user: Any) -> bool:
    """Whether the user may take legal checks: 司法所 staff, or a member of an admitted law
    firm."""
    if not has_capability(user, PROVIDE):
        return False
    return is_justice_staff(user) or law_firm_of(user) is not None


def is_own_enterprise(user: Any, uscc: str) -> bool:
    return (
        has_capability(user, REQUEST)
        and bool(getattr(user, "enterprise_uscc", ""))
        and user.enterprise_uscc == uscc
    )
