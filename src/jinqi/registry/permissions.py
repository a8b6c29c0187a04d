"""Who may see what of the registry. Personal data is masked unless the role needs it."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import AnyUser, User
from jinqi.core.permissions import has_capability, register_capabilities

VIEW = "registry.view"  # every enterprise's record and facts
READ_PERSONAL = "registry.read_personal"  # reveal personal data (audited)
OWN_RECORD = "registry.own_record"  # an enterprise user's own record
ANSWER_CORRECTIONS = "registry.answer_corrections"  # a source department answers corrections
PUSH_FACTS = "registry.push_facts"  # a department sends facts: API push, file import (API, page)
READ_PROFILES = "registry.read_profiles"  # read materialised profiles through the API
READ_RECORD = "registry.read_record"  # one record: any enterprise (masked) or one's own

register_capabilities(
    {
        VIEW: {Role.LEAD_OFFICE, Role.DEPARTMENT},
        READ_PERSONAL: {Role.DEPARTMENT},
        OWN_RECORD: {Role.ENTERPRISE},
        ANSWER_CORRECTIONS: {Role.DEPARTMENT},
        PUSH_FACTS: {Role.DEPARTMENT},
        READ_PROFILES: {Role.DEPARTMENT, Role.LEAD_OFFICE},
        READ_RECORD: {Role.DEPARTMENT, Role.LEAD_OFFICE, Role.ENTERPRISE},
    }
)


def can_view(user: AnyUser) -> bool:
    return has_capability(user, VIEW)


def can_read_personal(user: User) -> bool:
    return has_capability(user, READ_PERSONAL)


def can_download_import_file(user: User, stored: Any) -> bool:
    """An imported file is kept for its department's staff and the lead office."""
    if getattr(user, "role", None) == Role.LEAD_OFFICE:
        return True
    return bool(stored.uploaded_by.department_id == getattr(user, "department_id", None))
