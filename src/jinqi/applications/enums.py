from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    RETURNED = "returned", _("Returned for correction (补正)")
    IN_REVIEW = "in_review", _("Accepted, under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PUBLICITY = "publicity", _("In public notice (公示)")
    DISBURSED = "disbursed", _("Paid out")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class Admission(models.TextChoices):
    """Who the guidance lets through to the form."""

    ELIGIBLE = "eligible", _("Only enterprises the rule finds eligible")
    ELIGIBLE_OR_UNKNOWN = (
        "eligible_or_unknown",
        _("Eligible, or eligibility unknown (data missing)"),
    )
    ANYONE = "anyone", _("Any enterprise (the rule only guides)")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Short text")
    TEXTAREA = "textarea", _("Long text")
    INTEGER = "integer", _("Whole number")
    NUMBER = "number", _("Number")
    BOOLEAN = "boolean", _("Yes / no")
    DATE = "date", _("Date")
    CHOICE = "choice", _("One of a list")


class Reviewer(models.TextChoices):
    DEPARTMENT = "department", _("The policy's department")
    LEAD_OFFICE = "lead_office", _("The lead office")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
