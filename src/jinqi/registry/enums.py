from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    MONEY = "money", _("Money (10,000 CNY)")
    NUMBER = "number", _("Number")
    RATIO = "ratio", _("Ratio")
    BOOLEAN = "boolean", _("Yes / no")
    DATE = "date", _("Date")


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("In operation")
    REVOKED = "revoked", _("Licence revoked")
    CANCELLED = "cancelled", _("Deregistered")
    MOVED_OUT = "moved_out", _("Moved out")


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")
