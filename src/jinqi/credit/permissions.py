"""Who may do what with credit."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.core.permissions import register_capabilities

DELIVER_RECORDS = "credit.deliver_records"  # a department delivers its records (API, page)
VIEW_DEPARTMENT = "credit.view_department"  # a department's own records and the gates they fired
OVERSEE = "credit.oversee"  # the lead office: every record, indicators
MANAGE_REORGANISATIONS = "credit.manage_reorganisations"  # court rulings on file
CONFIGURE = "credit.configure"  # sampling ratios, incentives, gates
OWN_CREDIT = "credit.own"  # an enterprise's own records and repair dates

register_capabilities(
    {
        DELIVER_RECORDS: {Role.DEPARTMENT},
        VIEW_DEPARTMENT: {Role.DEPARTMENT},
        OVERSEE: {Role.LEAD_OFFICE},
        MANAGE_REORGANISATIONS: {Role.LEAD_OFFICE},
        CONFIGURE: {Role.LEAD_OFFICE},
        OWN_CREDIT: {Role.ENTERPRISE},
    }
)
