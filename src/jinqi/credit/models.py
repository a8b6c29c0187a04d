"""Credit (信用): dishonesty records delivered by departments, their repair, reorganisations
that mask them, verifiable credit reports, the gates that fired, and the lead office's
configuration (sampling ratios per risk class, incentives for the trustworthy).

The periods of a record (repair from, take-down on) are computed once, when it arrives, under
the rule version in force for it (`credit.periods`), and stored with that version and basis:
the rules changed in 2019, 2023 and 2025 and will change again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.core.models import StoredFile
from jinqi.credit.enums import (
    CreditDomain,
    GateAction,
    RecordKind,
    RecordStatus,
    ReorganisationKind,
    ReorganisationState,
    RepairState,
    RiskClass,
    Severity,
    TaxLevel,
)
from jinqi.registry.models import Delivery, Enterprise, ImportBatch

OPEN_REPAIR_STATES = (RepairState.SUBMITTED, RepairState.ACCEPTED)


class Reorganisation(models.Model):
    """A court ruling approving a reorganisation plan or a settlement (重整/和解): while it is in
    force the enterprise's records are masked and credit gates do not stop it."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReorganisationKind.choices)
    court = models.CharField(_("court"), max_length=100)
    ruling_number = models.CharField(_("ruling number"), max_length=100)
    ruled_on = models.DateField(_("ruling date"))
    ruling = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ruling"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ReorganisationState.choices,
        default=ReorganisationState.IN_FORCE,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(state="in_force"),
                name="credit_one_reorganisation_in_force",
            )
        ]
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")

    def __str__(self) -> str:
        return self.ruling_number


class CreditRecord(models.Model):
    """One dishonesty record as the deciding department delivered it, with the dates computed
    for it and the rule version they were computed under."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind of record"), max_length=30, choices=RecordKind.choices)
    severity = models.CharField(_("class"), max_length=10, choices=Severity.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=CreditDomain.choices)
    decision_number = models.CharField(_("decision number"), max_length=100)
    decided_on = models.DateField(_("decision date"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deciding department"),
    )
    summary = models.TextField(_("what was decided"))
    legal_basis = models.CharField(_("legal basis of the decision"), max_length=300)
    # The publication window: from the decision day to the day before take-down.
    published_from = models.DateField(_("published from"))
    repairable_from = models.DateField(_("repair may be requested from, once corrected"))
    takedown_on = models.DateField(_("taken down on"))
    # The periods applied, in months, and where they come from: the rule version's, or a law's
    # that sets other ones (then `period_basis` names it).
    min_months = models.PositiveSmallIntegerField(_("minimum publication (months)"))
    max_months = models.PositiveSmallIntegerField(_("maximum publication (months)"))
    rule_version = models.CharField(_("rule version"), max_length=40)
    period_basis = models.CharField(_("basis of the periods"), max_length=300)
    obligation_fulfilled = models.BooleanField(_("obligation fulfilled"), default=False)
    fulfilled_on = models.DateField(_("obligation fulfilled on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.PUBLISHED
    )
    masked_by = models.ForeignKey(
        Reorganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="masked_records",
        verbose_name=_("masked by"),
    )
    repaired_on = models.DateField(_("repaired on"), null=True, blank=True)
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True)
    # Provenance: the registry delivery (and its import batch, if a file) that brought it.
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery"),
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import batch"),
    )
    received_at = models.DateTimeField(_("received at"))
    # The enterprise was told its repair day and what it needs (两书同达).
    notice_sent_at = models.DateTimeField(_("repair notice sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "takedown_on"]),
        ]
        constraints = [
            # A department's decision arrives once, however often it is pushed.
            models.UniqueConstraint(
                fields=["department", "decision_number", "kind"],
                name="credit_record_once_per_decision",
            ),
            models.CheckConstraint(
                condition=Q(min_months__lte=F("max_months"))
                & Q(repairable_from__lte=F("takedown_on"))
                & Q(decided_on__lt=F("takedown_on")),
                name="credit_record_periods_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gte=F("decided_on")),
                name="credit_record_fulfilled_after_decision",
            ),
        ]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self) -> str:
        return self.decision_number

    @property
    def is_in_force(self) -> bool:
        """Whether the record counts against the enterprise now (published, not masked)."""
        return self.status == RecordStatus.PUBLISHED


class RepairApplication(models.Model):
    """An enterprise asks the deciding department to repair a record (信用修复)."""

    record = models.ForeignKey(
        CreditRecord, on_delete=models.PROTECT, related_name="repairs", verbose_name=_("record")
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=RepairState.choices, default=RepairState.SUBMITTED
    )
    statement = models.TextField(_("what was corrected"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"))
    accept_due = models.DateField(_("acceptance due"))
    decide_due = models.DateField(_("decision due"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="credit_one_open_repair_per_record",
            )
        ]
        verbose_name = _("repair application")
        verbose_name_plural = _("repair applications")

    def __str__(self) -> str:
        return f"{self.record} ({self.get_state_display()})"


class RepairMaterial(models.Model):
    """A file the enterprise gave with its application (proof, 信用承诺书)."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.CASCADE, related_name="materials"
    )
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("material"), max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name = _("repair material")
        verbose_name_plural = _("repair materials")

    def __str__(self) -> str:
        return self.label


class CreditReport(models.Model):
    """A special credit report (专用信用报告) the enterprise issued for a period and domains; its
    content is frozen, hashed and verifiable by its short code until revoked or expired."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    domains = models.JSONField(_("domains"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    short_code = models.CharField(_("verification code"), max_length=16, unique=True)
    pdf = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=300, blank=True)
    verified_count = models.PositiveIntegerField(_("times verified"), default=0)
    last_verified_at = models.DateTimeField(_("last verified at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="credit_report_period_ordered",
            )
        ]
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")

    def __str__(self) -> str:
        return self.short_code


class GateEvent(models.Model):
    """A credit gate that stopped a decision: which rule, at which decision, on what subject,
    and the record that blocked it. Append-only."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    gate = models.CharField(_("gate"), max_length=60)
    action = models.CharField(_("decision"), max_length=20, choices=GateAction.choices)
    # What was stopped, as app_label.model:pk, and its name for people.
    subject = models.CharField(_("subject"), max_length=100)
    subject_label = models.CharField(_("stopped"), max_length=300)
    record = models.ForeignKey(
        CreditRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gate_events",
        verbose_name=_("blocking record"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["enterprise", "at"])]
        verbose_name = _("gate event")
        verbose_name_plural = _("gate events")

    def __str__(self) -> str:
        return f"{self.gate} {self.subject}"


class SamplingRatio(models.Model):
    """The share of enterprises of a risk class drawn for inspection, and the visits a year
    (configuration the lead office edits; the inspections app reads it)."""

    risk_class = models.CharField(
        _("risk class"), max_length=1, choices=RiskClass.choices, unique=True
    )
    percent = models.DecimalField(_("sampling ratio (%)"), max_digits=5, decimal_places=2)
    visits_per_year = models.DecimalField(
        _("visits a year, at most"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        ordering = ["risk_class"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="credit_sampling_percent_range",
            )
        ]
        verbose_name = _("sampling ratio")
        verbose_name_plural = _("sampling ratios")

    def __str__(self) -> str:
        return f"{self.risk_class}: {self.percent} %"


class Incentive(models.Model):
    """守信激励 as configuration: enterprises of a tax credit level skip a review step of the
    application forms that allow it (the form names the incentive by code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    tax_level = models.CharField(_("tax credit level"), max_length=1, choices=TaxLevel.choices)
    is_active = models.BooleanField(_("in force"), default=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("trustworthiness incentive")
        verbose_name_plural = _("trustworthiness incentives")

    def __str__(self) -> str:
        return self.name


class CreditGate(models.Model):
    """A credit gate as a rule of the engine: while `condition` holds on the enterprise's profile
    the decision `action` is not taken (configuration; the record that made the profile say so
    is named when the gate fires)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    action = models.CharField(_("decision"), max_length=20, choices=GateAction.choices)
    condition = models.TextField(_("blocks while"))
    is_active = models.BooleanField(_("in force"), default=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("credit gate")
        verbose_name_plural = _("credit gates")

    def __str__(self) -> str:
        return self.name
