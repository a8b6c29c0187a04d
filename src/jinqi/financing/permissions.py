"""Who may do what with financing."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.enums import Role
from jinqi.core.permissions import confine_tokens, has_capability, register_capabilities

REQUEST = "financing.request"  # an enterprise: products for it, requests, consents, reads of them
WORK = "financing.work"  # an institution member: the open requests, its own, its consents' pages
READ_PACKAGE = "financing.read_package"  # an institution: a data package under a consent (API)
CONSENT = "financing.consent"  # a consent's page: its enterprise and its institution
FOLLOW = "financing.follow"  # a request's page: its enterprise, its institution, the offices
OVERSEE = "financing.oversee"  # the finance office (and the lead office): catalogue, statistics

# The 金融办 sits in the district finance bureau (区财政局（金融办）): its staff edit the catalogue
# and receive overdue requests; other departments see the statistics only.
FINANCE_OFFICE = "finance"

register_capabilities(
    {
        REQUEST: {Role.ENTERPRISE},
        WORK: {Role.INSTITUTION},
        READ_PACKAGE: {Role.INSTITUTION},
        CONSENT: {Role.ENTERPRISE, Role.INSTITUTION},
        FOLLOW: {Role.ENTERPRISE, Role.INSTITUTION, Role.DEPARTMENT, Role.LEAD_OFFICE},
        OVERSEE: {Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)
# A token carrying the package scope reaches nothing but the package (not even operations any
# logged-in user may call): an institution's system gets the data its consents allow, no more.
confine_tokens(READ_PACKAGE)


def is_finance_office(user: Any) -> bool:
    department = getattr(user, "department", None)
    return (
        has_capability(user, OVERSEE)
        and department is not None
        and department.code == FINANCE_OFFICE
    )
