from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    MONTH = "month", _("By a month's end")
    CONTINUOUS = "continuous", _("Continuous")
    COMPLETED = "completed", _("Completed, consolidating")
    NOT_STATED = "not_stated", _("Not stated")


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    BLOCKED = "blocked", _("Blocked")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for rework")
    REVIEWED = "reviewed", _("Reviewed")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class ReportEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for rework")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Summary published")
    UNPUBLISHED = "unpublished", _("Summary withdrawn")


class SupervisionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting (会)")
    VISIT = "visit", _("Visit (访)")
    INQUIRY = "inquiry", _("Inquiry (问)")


class AlertKind(models.TextChoices):
    DUE_SOON = "plans.due_soon", _("Deadline approaching")
    OVERDUE = "plans.overdue", _("Deadline passed")
    REPORT_MISSING = "plans.report_missing", _("Monthly report missing")
    REPORT_REVIEWED = "plans.report_reviewed", _("Report reviewed")
    REPORT_RETURNED = "plans.report_returned", _("Report returned")
    URGING = "plans.urging", _("Urging notice")
    URGING_REPLIED = "plans.urging_replied", _("Urging notice answered")
