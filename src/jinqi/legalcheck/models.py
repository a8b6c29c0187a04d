"""The legal health check (法治体检, plan measures 50–51): the 区司法局's checklist as data, the
checks enterprises ask for, the findings graded red/amber/green with advice (prefilled and cited
where the platform already knows the answer), rectification items and the return visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.legalcheck.enums import (
    OPEN_STATES,
    CheckState,
    Grade,
    Prefill,
    RectificationResult,
    Section,
)
from jinqi.providers.models import ServiceProvider
from jinqi.registry.models import Enterprise


class ChecklistItemQuerySet(models.QuerySet["ChecklistItem"]):
    def active(self) -> ChecklistItemQuerySet:
        return self.filter(active=True)


class ChecklistItem(models.Model):
    """One question of the district's checklist, edited by the 区司法局 (a design of its own,
    not a national standard: none was found)."""

    section = models.CharField(_("section"), max_length=30, choices=Section.choices)
    number = models.PositiveSmallIntegerField(_("number in the section"))
    question = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("what to look at"), blank=True)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    prefill = models.CharField(
        _("prefilled from"), max_length=30, choices=Prefill.choices, blank=True, default=""
    )
    active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="legalcheck_item_number")
        ]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.question


class LegalCheck(models.Model):
    """One enterprise's check: asked for on its page, taken by a provider (司法所 staff of the
    区司法局, or a law firm admitted as a service provider), reported, rectified, closed by a
    return visit."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    topics = models.TextField(_("what the enterprise wants looked at"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(_("state"), max_length=20, choices=CheckState.choices, default="")
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    # Who took it: the 区司法局 (its 司法所 staff) or an admitted law firm; one of the two.
    provider_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_organisation = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The organisation's name as it stood when the check was taken (the report prints it).
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    report_code = models.CharField(_("report verification code"), max_length=20, blank=True)
    reported_at = models.DateTimeField(_("report issued at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    visit_note = models.TextField(_("return visit"), blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open check per enterprise: asking twice is one request (ADR 0010).
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="legalcheck_one_open_check",
            ),
            models.CheckConstraint(
                condition=Q(provider_department__isnull=True)
                | Q(provider_organisation__isnull=True),
                name="legalcheck_one_provider",
            ),
        ]
        verbose_name = _("legal health check")
        verbose_name_plural = _("legal health checks")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.requested_at:%Y-%m-%d}"


class Finding(models.Model):
    """The answer to one item: a grade, what was found, advice, and where a prefilled answer
    comes from (source and as-of date)."""

    legal_check = models.ForeignKey(LegalCheck, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    observation = models.TextField(_("what was found"))
    advice = models.TextField(_("advice"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    prefilled = models.BooleanField(_("prefilled by the platform"), default=False)

    class Meta:
        ordering = ["item__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["legal_check", "item"], name="legalcheck_one_finding"),
            models.CheckConstraint(
                condition=Q(grade="green") | ~Q(advice=""), name="legalcheck_risk_has_advice"
            ),
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.item} ({self.grade})"


class Rectification(models.Model):
    """Something the enterprise is to put right by a working-day deadline; the return visit
    records whether it was."""

    legal_check = models.ForeignKey(
        LegalCheck, on_delete=models.CASCADE, related_name="rectifications"
    )
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="rectifications")
    action = models.TextField(_("what is to be done"))
    working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    due_on = models.DateField(_("due on"))
    result = models.CharField(
        _("result"), max_length=10, choices=RectificationResult.choices, blank=True, default=""
    )
    result_note = models.TextField(_("found at the return visit"), blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")

    def __str__(self) -> str:
        return self.action[:50]
