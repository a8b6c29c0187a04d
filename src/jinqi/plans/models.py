"""Action plans, their measures, who reports on them, and the supervision records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.core.models import StoredFile
from jinqi.plans.enums import (
    DeadlineKind,
    MeasureStatus,
    Rating,
    ReportEventKind,
    ReportState,
    SupervisionKind,
)


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    rolled_over_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("rolled over from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    @property
    def period_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def period_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


class MeasureQuerySet(models.QuerySet["Measure"]):
    def of_plan(self, plan: Plan) -> MeasureQuerySet:
        return self.filter(plan=plan)

    def for_department(self, department: Department) -> MeasureQuerySet:
        return self.filter(assignments__department=department).distinct()


class Measure(models.Model):
    """One row of the plan's attachment: a 具体举措 with its units and deadline."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("action plan")
    )
    seq = models.PositiveSmallIntegerField(_("number"))
    pilot = models.BooleanField(_("innovation pilot"), default=False)
    service_area = models.CharField(_("service area"), max_length=100)
    action = models.CharField(_("action"), max_length=100)
    reform_item = models.CharField(_("reform item"), max_length=200)
    text = models.TextField(_("measure"))
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=20, choices=DeadlineKind.choices
    )
    deadline_text = models.CharField(_("deadline as written"), max_length=40, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Keys of live indicators (core.indicators) that show this measure's effect in the platform.
    indicator_keys = models.JSONField(_("live indicators"), default=list, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="measure_seq_unique_in_plan"),
            models.CheckConstraint(
                condition=~models.Q(deadline_kind=DeadlineKind.MONTH)
                | models.Q(due_date__isnull=False),
                name="month_deadline_has_due_date",
            ),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.seq}. {self.reform_item}"


class MeasureUnit(models.Model):
    """A responsible unit as the plan names it (possibly a group); position 0 leads."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="units", verbose_name=_("measure")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    written_as = models.CharField(_("name as written"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "position"], name="measure_unit_position")
        ]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")

    def __str__(self) -> str:
        return self.written_as


class Assignment(models.Model):
    """A department that reports on a measure for itself (group units expanded to members)."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("measure")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("department"),
    )
    via_group = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_lead = models.BooleanField(_("lead unit"), default=False)

    class Meta:
        ordering = ["measure", "-is_lead", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"], name="assignment_once_per_department"
            )
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.measure} — {self.department}"


class ProgressReport(models.Model):
    """A department's monthly report on one measure."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("assignment")
    )
    period = models.DateField(_("month"), help_text=_("First day of the reported month."))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices)
    narrative = models.TextField(_("progress"))
    indicator_values = models.JSONField(_("indicator values"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    public_summary = models.TextField(_("public summary"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    # Optimistic locking (core.locking). Starts at 1, not 0: the API showed a new report's
    # `version` as 1 before the field was renamed, and still does.
    lock_version = models.PositiveIntegerField(
        default=1, verbose_name=_("version for optimistic locking")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    evidence = models.ManyToManyField(
        StoredFile, blank=True, related_name="+", verbose_name=_("evidence")
    )

    class Meta:
        ordering = ["-period", "assignment"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period"], name="one_report_per_month"),
            models.CheckConstraint(
                condition=~models.Q(is_public=True) | ~models.Q(public_summary=""),
                name="public_report_has_summary",
            ),
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.assignment} {self.period:%Y-%m}"


class ReportEvent(models.Model):
    """The history of a report: submissions, reviews, returns, publication."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=ReportEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    comment = models.TextField(_("comment"), blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


class UrgingNotice(models.Model):
    """催办: the lead office urges a department on a measure and expects a reply by a date."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="urgings", verbose_name=_("measure")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="urgings", verbose_name=_("department")
    )
    message = models.TextField(_("message"))
    reply_due = models.DateField(_("reply due"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("urging notice")
        verbose_name_plural = _("urging notices")

    def __str__(self) -> str:
        return f"{self.measure} → {self.department}"


class SupervisionEntry(models.Model):
    """A meeting, visit or inquiry (会、访、问) recorded against measures."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="supervision_entries",
        verbose_name=_("action plan"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SupervisionKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="supervision_entries",
        verbose_name=_("measures concerned"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("supervision entry")
        verbose_name_plural = _("supervision entries")

    def __str__(self) -> str:
        return self.title
