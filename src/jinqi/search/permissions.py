"""Who may do what with search. Anyone searches; enterprise users save searches and are alerted."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.core.permissions import register_capabilities

SAVE = "search.save"  # save a search and be told of new matching policies

register_capabilities({SAVE: {Role.ENTERPRISE}})
