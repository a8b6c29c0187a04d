"""Who reads the audit trail: the audit administrator and the lead office. Nobody changes it.

The roles are named by their stored values, not accounts' `Role`: audit sits below accounts on
the map (accounts' own services write the trail), so it imports nothing from accounts.
`tests/test_permissions.py` checks that the values are those roles.
"""

from __future__ import annotations

from jinqi.core.permissions import register_capabilities

READ_TRAIL = (
    "audit.read"  # the audit trail: in the Django admin (audit administrator) and on its page
)

register_capabilities({READ_TRAIL: {"audit_admin", "lead_office"}})
