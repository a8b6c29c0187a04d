"""The audit trail's capability names real roles, though audit cannot import them."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.audit.permissions import READ_TRAIL
from jinqi.core.permissions import all_capabilities


def test_the_trail_is_read_by_the_audit_administrator_and_the_lead_office() -> None:
    """The role values audit names are exactly accounts' audit administrator and lead office."""
    assert all_capabilities()[READ_TRAIL] == {Role.AUDIT_ADMIN, Role.LEAD_OFFICE}
