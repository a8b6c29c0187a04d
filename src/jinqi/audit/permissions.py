"""Who reads the audit trail: the audit administrator and the lead office. Nobody changes it."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.core.permissions import register_capabilities

READ_TRAIL = (
    "audit.read"  # the audit trail: in the Django admin (audit administrator) and on its page
)

register_capabilities({READ_TRAIL: {Role.AUDIT_ADMIN, Role.LEAD_OFFICE}})
