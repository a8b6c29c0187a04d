from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppealKind(models.TextChoices):
    REQUEST = "request", _("Request (诉求反映)")
    QUESTION = "question", _("Question (办事咨询)")


class AppealState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting the department")
    INFO_REQUESTED = "info_requested", _("More information asked of the enterprise")
    IN_PROGRESS = "in_progress", _("Answered, being handled")
    RESOLVED = "resolved", _("Resolved, awaiting the enterprise's confirmation")
    CLOSED = "closed", pgettext_lazy("appeal state", "Closed")
    MERGED = "merged", _("Merged into another appeal")


class Contact(models.TextChoices):
    """How the enterprise prefers to be reached; the inbox always gets every notice."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    INBOX = "inbox", _("Platform inbox only")


class Side(models.TextChoices):
    """Who wrote an entry of the conversation."""

    ENTERPRISE = "enterprise", _("Enterprise")
    DEPARTMENT = "department", _("Department")
    LEAD_OFFICE = "lead_office", _("Lead office")
    SYSTEM = "system", _("Platform")


class Overdue(models.TextChoices):
    """Which time limit an escalation is about."""

    RESPONSE = "response", _("First response overdue")
    RESOLUTION = "resolution", _("Resolution overdue")
