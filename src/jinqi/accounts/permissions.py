"""The three administrators' capabilities (三员): each holds one part of the platform.

- The system administrator (系统管理员) manages accounts, departments and API tokens, and the
  platform's data pages in the Django admin.
- The security administrator (安全管理员) manages the security settings kept in the database:
  lockout records (unlocking an account or address) and second-factor devices.
- The audit administrator (审计管理员) reads the audit trail, as the lead office does; nobody
  changes it (the database refuses, see audit/migrations).
"""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.core.permissions import ADMINISTER_PLATFORM, register_capabilities

MANAGE_USERS = "accounts.manage_users"  # users and departments in the Django admin
MANAGE_TOKENS = "accounts.manage_tokens"  # create and revoke API tokens
MANAGE_SECURITY = "accounts.manage_security"  # lockout records, second-factor devices

register_capabilities(
    {
        MANAGE_USERS: {Role.SYSTEM_ADMIN},
        MANAGE_TOKENS: {Role.SYSTEM_ADMIN},
        MANAGE_SECURITY: {Role.SECURITY_ADMIN},
        ADMINISTER_PLATFORM: {Role.SYSTEM_ADMIN},
    }
)
