"""Who may do what in the provider alliance.

The role gives the capability; the organisation is checked by the selectors: a provider user
acts only while their provider is admitted (`selectors.admitted_provider_for`), and only the
alliance office (区经委) among the departments runs the alliance (`is_alliance_office`)."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.permissions import PUBLIC, has_capability, register_capabilities

ACT_AS_PROVIDER = "providers.act"  # answer enterprises' needs for one's admitted provider
ADMINISTER = "providers.administer"  # the alliance office: admit, suspend, remove
OVERSEE = "providers.oversee"  # response times and ratings
POST_NEED = "providers.post_need"  # an enterprise posts a need or picks a provider, rates
FOLLOW_NEED = "providers.follow_need"  # a need's page and messages: its enterprise, its provider
DIRECTORY = PUBLIC  # the directory of admitted providers and the application form

# The seeded department that runs the alliance (accounts/departments_seed.py: 区经委).
ALLIANCE_OFFICE = "economy"

register_capabilities(
    {
        ACT_AS_PROVIDER: {Role.PROVIDER},
        ADMINISTER: {Role.DEPARTMENT},
        OVERSEE: {Role.DEPARTMENT, Role.LEAD_OFFICE},
        POST_NEED: {Role.ENTERPRISE},
        FOLLOW_NEED: {Role.ENTERPRISE, Role.PROVIDER},
    }
)


def is_alliance_office(user: Any) -> bool:
    """Staff of the 区经委, the department that admits and supervises providers."""
    department = getattr(user, "department", None)
    return has_capability(user, ADMINISTER) and getattr(department, "code", "") == ALLIANCE_OFFICE


def may_oversee(user: Any) -> bool:
    """The lead office and the alliance office read response times and ratings."""
    if not has_capability(user, OVERSEE):
        return False
    return user.role == Role.LEAD_OFFICE or is_alliance_office(user)


def is_own_enterprise(user: Any, uscc: str) -> bool:
    """A user of the enterprise that posted a need."""
    return (
        has_capability(user, POST_NEED)
        and bool(getattr(user, "enterprise_uscc", ""))
        and user.enterprise_uscc == uscc
    )
