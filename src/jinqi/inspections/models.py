"""Inspections (涉企行政检查): published inspection items and the checklists (体检单) built from
them, filed plans, the certified roster of inspectors, reproducible 双随机 draws, the tasks they
give and the joint visits (综合查一次) that carry the tasks, with findings, rectifications and
the enterprise's rating (docs/inspections.md, docs/adr/0018-inspections.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.inspections.enums import (
    FindingResult,
    PlanKind,
    PlanState,
    RectificationState,
    RiskLevel,
    TaskState,
    TriggerReason,
    VisitState,
)
from jinqi.registry.enums import SizeClass
from jinqi.registry.models import Enterprise


class InspectionItemQuerySet(models.QuerySet["InspectionItem"]):
    def published(self) -> InspectionItemQuerySet:
        """Only published items may be inspected (国办发〔2024〕54号)."""
        return self.filter(is_published=True)


class InspectionItem(models.Model):
    """An inspection item (检查事项) of one department: what is checked, under which law, to
    which standard."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    code = models.CharField(_("item code"), max_length=40)
    name = models.CharField(_("item"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    content = models.TextField(_("what is checked"))
    standard = models.TextField(_("standard"))
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    # On the 无事不扰 list: checked only when a lead or a complaint calls for it.
    no_disturb = models.BooleanField(_("on the do-not-disturb list"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    objects = InspectionItemQuerySet.as_manager()

    class Meta:
        ordering = ["department", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"], name="inspections_item_code_per_department"
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="inspections_item_published_at",
            ),
        ]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Checklist(models.Model):
    """A checklist (体检单) for the industries whose GB/T 4754 codes start with one of its
    prefixes, assembled from published items. A department owns it even when an institution
    drafted it: third parties may draft, never inspect."""

    name = models.CharField(_("checklist"), max_length=200)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owning department"),
    )
    # GB/T 4754 code prefixes, e.g. ["C26", "C34"].
    industry_prefixes = models.JSONField(_("industry codes"), default=list)
    drafted_by = models.CharField(_("drafted by"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    items = models.ManyToManyField(
        InspectionItem, through="ChecklistItem", related_name="checklists", verbose_name=_("items")
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["department", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="inspections_checklist_name_per_department"
            )
        ]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "item"], name="inspections_checklist_item")
        ]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return f"{self.checklist_id}:{self.item_id}"


class Plan(models.Model):
    """An inspection plan a department files before any task uses it: planned (the yearly
    plan), triggered (with its reason) or special (approved by the lead office and published
    within a month of approval)."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of plan"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=200)
    reason_kind = models.CharField(
        _("reason"), max_length=20, choices=TriggerReason.choices, blank=True
    )
    reason = models.TextField(_("reason given"), blank=True)
    description = models.TextField(_("scope and method"), blank=True)
    items = models.ManyToManyField(
        InspectionItem, related_name="plans", blank=True, verbose_name=_("items")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    publish_due = models.DateField(_("to be published by"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "department", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=PlanKind.TRIGGERED) | ~Q(reason_kind=""),
                name="inspections_triggered_plan_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlanState.FILED) | Q(filed_on__isnull=False),
                name="inspections_filed_plan_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PlanKind.SPECIAL)
                | ~Q(state=PlanState.FILED)
                | (Q(approved_on__isnull=False) & Q(published_on__isnull=False)),
                name="inspections_special_plan_approved_and_published",
            ),
        ]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return self.title


class Inspector(models.Model):
    """A certified enforcement officer on a department's roster (执法证): only staff with a
    certificate valid on the day may inspect."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    is_active = models.BooleanField(_("on the roster"), default=True)

    class Meta:
        ordering = ["department", "certificate_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_to")), name="inspections_certificate_dates"
            )
        ]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return self.name


class InspectorConflict(models.Model):
    """A declared conflict of interest: the inspector is never drawn for that enterprise."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="conflicts")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    declared_on = models.DateField(_("declared on"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "enterprise"], name="inspections_conflict_once"
            )
        ]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self) -> str:
        return f"{self.inspector_id}:{self.enterprise_id}"


class Draw(models.Model):
    """A 双随机 draw: enterprises from a population by credit class, inspectors from the roster,
    reproducible from the recorded seed. Published (一公开) with the seed, the algorithm, a hash
    of each class's population and the result; the classes of enterprises stay private."""

    number = models.CharField(_("draw number"), max_length=30, unique=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("plan")
    )
    # The population: active enterprises matching every filter given.
    industry_prefix = models.CharField(_("industry code prefix"), max_length=5, blank=True)
    town = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town, street or park"),
    )
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass.choices, blank=True
    )
    seed = models.PositiveBigIntegerField(_("seed"))
    algorithm = models.CharField(_("algorithm"), max_length=40)
    on_date = models.DateField(_("certificates valid on"))
    inspectors_per_task = models.PositiveSmallIntegerField(
        _("inspectors per enterprise"), default=2
    )
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("window end"))
    # {"A": "<sha256 of the class's sorted codes>", ...}, {"A": "0.02", ...}, {"A": 120, ...}
    population_hashes = models.JSONField(_("population hash per class"), default=dict)
    ratios = models.JSONField(_("ratios used"), default=dict)
    class_counts = models.JSONField(_("population per class"), default=dict)
    # [{"uscc": ..., "inspectors": [certificate numbers]}, ...] sorted by class, then code.
    result = models.JSONField(_("result"), default=list)
    # What the lead office's re-run reads, never published: each class's codes as drawn from,
    # the certificates valid on the day, and the declared conflicts [[certificate, uscc], ...]
    # between them and the population.
    population = models.JSONField(_("population by class"), default=dict)
    roster = models.JSONField(_("certificates drawn from"), default=list)
    conflicts = models.JSONField(_("declared conflicts"), default=list)
    result_hash = models.CharField(_("hash of the result"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lte=F("window_end")), name="inspections_draw_window"
            )
        ]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self) -> str:
        return self.number


class Task(models.Model):
    """One department's inspection of one enterprise within a window, under a filed plan (and
    from a draw when drawn); visits carry tasks."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("plan")
    )
    draw = models.ForeignKey(
        Draw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("draw"),
    )
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("window end"))
    # Unannounced or emergency: never merged into a joint visit.
    unannounced = models.BooleanField(_("unannounced or emergency"), default=False)
    items = models.ManyToManyField(
        InspectionItem, related_name="tasks", blank=True, verbose_name=_("items")
    )
    inspectors = models.ManyToManyField(
        Inspector, related_name="tasks", blank=True, verbose_name=_("drawn inspectors")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=TaskState.choices, default=TaskState.OPEN
    )
    # The department system's own id, when it pushed the task (once per department).
    external_id = models.CharField(_("id in the department's system"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"))
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["window_end", "id"]
        indexes = [models.Index(fields=["enterprise", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lte=F("window_end")), name="inspections_task_window"
            ),
            models.UniqueConstraint(
                fields=["draw", "enterprise"],
                condition=Q(draw__isnull=False),
                name="inspections_task_once_per_draw",
            ),
            models.UniqueConstraint(
                fields=["department", "external_id"],
                condition=~Q(external_id=""),
                name="inspections_task_external_id_once",
            ),
        ]
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")

    def __str__(self) -> str:
        return f"{self.pk} {self.enterprise_id}"


class Visit(models.Model):
    """One visit to an enterprise on one working day carrying one or more tasks (a joint visit
    when they are several departments'), led by the department that regulates the industry."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    date = models.DateField(_("date"))
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead department"),
    )
    short_code = models.CharField(_("inspection code"), max_length=16, unique=True)
    state = models.CharField(
        _("state"), max_length=20, choices=VisitState.choices, default=VisitState.PLANNED
    )
    # Over the enterprise's yearly cap for its sector: the lead office decides.
    over_cap = models.BooleanField(_("over the yearly cap"), default=False)
    tasks = models.ManyToManyField(
        Task, through="VisitTask", related_name="visits", verbose_name=_("tasks")
    )
    inspectors = models.ManyToManyField(
        Inspector, through="VisitInspector", related_name="visits", verbose_name=_("inspectors")
    )
    created_at = models.DateTimeField(_("created at"))
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["enterprise", "date"])]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return self.short_code


class VisitTask(models.Model):
    """A task carried by a visit: every task is in one visit at most."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="task_links")
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="visit_link")

    class Meta:
        verbose_name = _("task of a visit")
        verbose_name_plural = _("tasks of a visit")

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.task_id}"


class VisitInspector(models.Model):
    """An inspector a department sends on a visit (each department its own certified staff)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="inspector_links")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "inspector"], name="inspections_visit_inspector_once"
            )
        ]
        verbose_name = _("inspector of a visit")
        verbose_name_plural = _("inspectors of a visit")

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.inspector_id}"


class Finding(models.Model):
    """The result of one item on one visit, seen by every department of the visit (结果互认)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=20, choices=FindingResult.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["visit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="inspections_finding_once")
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.item_id}"


class Rectification(models.Model):
    """What the enterprise must put right after a finding, by a working-day deadline, and the
    re-check that closes it."""

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="rectification")
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    reported_on = models.DateField(_("reported rectified on"), null=True, blank=True)
    recheck_on = models.DateField(_("re-checked on"), null=True, blank=True)
    recheck_result = models.CharField(
        _("re-check result"), max_length=20, choices=FindingResult.choices, blank=True
    )
    recheck_note = models.TextField(_("re-check note"), blank=True)
    # What the enterprise says it did when it reports the rectification done.
    report_text = models.TextField(_("what was done"), blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.deadline}"


class Rating(models.Model):
    """The enterprise's rating of a visit; the inspected departments see only aggregates."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="inspections_rating_score"
            )
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.score}"


class SectorRule(models.Model):
    """Per sector (a GB/T 4754 code prefix; the longest matching prefix applies): the department
    that regulates it and so leads its joint visits, and the yearly cap on visits to one
    enterprise the sector publishes (国办发〔2024〕54号 asks each sector for one; no national
    number). Data the lead office keeps."""

    industry_prefix = models.CharField(_("industry code prefix"), max_length=5, unique=True)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead department"),
    )
    yearly_cap = models.PositiveSmallIntegerField(
        _("visits per enterprise per year"), null=True, blank=True
    )
    note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["industry_prefix"]
        verbose_name = _("sector rule")
        verbose_name_plural = _("sector rules")

    def __str__(self) -> str:
        return self.industry_prefix
