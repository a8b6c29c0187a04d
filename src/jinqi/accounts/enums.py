from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    DEPARTMENT = "department", _("Department staff")
    LEAD_OFFICE = "lead_office", _("Lead office")
    ADMIN = "admin", _("Administrator")


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("District department")
    TOWN = "town", _("Town")
    STREET = "street", _("Sub-district")
    PARK = "park", _("Industrial park")
    ORGANISATION = "organisation", _("Organisation")
    GROUP = "group", _("Group of units")
