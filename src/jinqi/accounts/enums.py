from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    DEPARTMENT = "department", _("Department staff")
    LEAD_OFFICE = "lead_office", _("Lead office")
    # Outside the government: a member of an admitted service provider (law firm, accounting
    # firm, 司法所 acting as one) and a member of a financial institution. Each user belongs to
    # one organisation, recorded by the app that admits it (providers, financing).
    PROVIDER = "provider", _("Service provider")
    INSTITUTION = "institution", _("Financial institution")
    # 三员: three administrators, each holding one part of the platform and nothing else.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Roles that work in the Django admin (is_staff); each sees only its own pages there.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("District department")
    TOWN = "town", _("Town")
    STREET = "street", _("Sub-district")
    PARK = "park", _("Industrial park")
    ORGANISATION = "organisation", _("Organisation")
    GROUP = "group", _("Group of units")
