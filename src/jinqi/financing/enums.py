from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("Bank")
    GUARANTEE = "guarantee", _("Guarantee company")
    MICROCREDIT = "microcredit", _("Microcredit company")
    LEASING = "leasing", _("Financial leasing company")


class ProductKind(models.TextChoices):
    GUARANTEE = "guarantee", _("Guaranteed loan")
    LOAN = "loan", _("Loan")


class Collateral(models.TextChoices):
    NONE = "none", _("No collateral (credit)")
    PROPERTY = "property", _("Real estate")
    EQUIPMENT = "equipment", _("Machinery and equipment")
    RECEIVABLES = "receivables", _("Receivables")
    IP = "ip", _("Intellectual property")
    GUARANTOR = "guarantor", _("A guarantor")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for an institution")
    TAKEN = "taken", _("Being assessed")
    ASKED = "asked", _("Question to the enterprise")
    GRANTED = "granted", _("Approved and granted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentStatus(models.TextChoices):
    """Not stored: a consent's status on a day, from its dates and its withdrawal."""

    IN_FORCE = "in_force", _("In force")
    NOT_YET = "not_yet", _("Not yet in force")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReadChannel(models.TextChoices):
    API = "api", _("API")
    PAGE = "page", _("Web page")
