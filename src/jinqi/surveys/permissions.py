"""Who may do what with satisfaction surveys: the lead office runs them, enterprises answer."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.core.permissions import has_capability, register_capabilities

MANAGE = "surveys.manage"  # create, segment, send, see results and export
ANSWER = "surveys.answer"  # an enterprise answers the surveys sent to it

register_capabilities({MANAGE: {Role.LEAD_OFFICE}, ANSWER: {Role.ENTERPRISE}})

__all__ = ["ANSWER", "MANAGE", "has_capability"]
