"""The inspections app's closed vocabularies: risk levels, kinds and states of plans, tasks,
visits, findings and rectifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class PlanKind(models.TextChoices):
    PLANNED = "planned", _("Planned inspection")
    TRIGGERED = "triggered", _("Triggered inspection")
    SPECIAL = "special", _("Special inspection")


class TriggerReason(models.TextChoices):
    """Why a triggered inspection is made (Shanghai 检查码: a task has a plan or a reason)."""

    COMPLAINT = "complaint", _("Complaint or report")
    APPEAL = "appeal", _("Appeal")
    LEAD = "lead", _("Lead transferred or found")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # A special plan waits for the lead office, then for its publication.
    SUBMITTED = "submitted", _("Awaiting the lead office's approval")
    APPROVED = "approved", _("Approved, to be published")
    REFUSED = "refused", pgettext_lazy("inspection plan", "Refused")
    # Filed: tasks may use it (a special plan once published).
    FILED = "filed", _("Filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TaskState(models.TextChoices):
    OPEN = "open", _("Waiting for a visit")
    IN_VISIT = "in_visit", _("In a visit")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class VisitState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FindingResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NON_COMPLIANT = "non_compliant", _("Not compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class RectificationState(models.TextChoices):
    OPEN = "open", _("To be rectified")
    REPORTED = "reported", _("Reported rectified, awaiting re-check")
    PASSED = "passed", _("Re-check passed")
    FAILED = "failed", _("Re-check failed")
