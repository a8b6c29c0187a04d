"""Appeals (诉求反映 and 办事咨询): the routing table (category → department and deadline regime),
the appeals themselves, and their conversation, which is also the transition log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinqi.accounts.models import Department
from jinqi.appeals.enums import AppealKind, AppealState, Contact, Overdue, Side
from jinqi.core.models import StoredFile
from jinqi.registry.models import Enterprise

OPEN_STATES = (AppealState.SUBMITTED, AppealState.INFO_REQUESTED, AppealState.IN_PROGRESS)


class DeadlineRegime(models.Model):
    """Time limits in working days, with where they come from (configuration, not code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    response_days = models.PositiveSmallIntegerField(_("first response within (working days)"))
    resolution_days = models.PositiveSmallIntegerField(_("resolution within (working days)"))
    complex_days = models.PositiveSmallIntegerField(
        _("resolution of a complex case within (working days)"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300)
    is_assumption = models.BooleanField(
        _("figures not yet checked against the source"), default=False
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("deadline regime")
        verbose_name_plural = _("deadline regimes")
        constraints = [
            models.CheckConstraint(
                condition=Q(response_days__gte=1)
                & Q(resolution_days__gte=models.F("response_days")),
                name="appeals_regime_days_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)


class Category(models.Model):
    """One row of the routing table the lead office edits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    regime = models.ForeignKey(
        DeadlineRegime, on_delete=models.PROTECT, related_name="+", verbose_name=_("time limits")
    )
    is_active = models.BooleanField(_("offered to enterprises"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")

    def __str__(self) -> str:
        return self.name


class Appeal(models.Model):
    reference = models.CharField(pgettext_lazy("appeal", "reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AppealKind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    regime = models.ForeignKey(
        DeadlineRegime,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("time-limit regime"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    contact_channel = models.CharField(
        _("preferred contact"), max_length=10, choices=Contact.choices, default=Contact.INBOX
    )
    contact_value = models.CharField(_("phone or e-mail"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=AppealState.choices, default=AppealState.SUBMITTED
    )
    is_complex = models.BooleanField(_("complex case"), default=False)
    filed_at = models.DateTimeField(_("filed at"))
    assigned_on = models.DateField(_("with the department since"))
    response_due = models.DateField(_("first response due"))
    resolution_due = models.DateField(_("resolution due"))
    responded_on = models.DateField(_("first response on"), null=True, blank=True)
    info_requested_on = models.DateField(
        null=True, blank=True, verbose_name=_("more information requested on")
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    solved = models.BooleanField(_("solved, in the enterprise's words"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    transfer_count = models.PositiveSmallIntegerField(_("times transferred"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_for = models.CharField(
        _("escalated for"), max_length=20, choices=Overdue.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    follow_up_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("follow-up sent at")
    )
    follow_up_answered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("follow-up answered at")
    )
    follow_up_solved = models.BooleanField(
        null=True, blank=True, verbose_name=_("solved, says the follow-up")
    )
    lock_version = models.PositiveIntegerField(
        default=0, verbose_name=_("version for optimistic locking")
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state"]),
            models.Index(fields=["enterprise", "filed_at"]),
            models.Index(fields=["state", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="appeals_rating_1_to_5",
            )
        ]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Entry(models.Model):
    """One step of the conversation: what was written, by which side, and the state change it
    made (the transition log); entries of a merged duplicate stay on it and show on the original."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="entries")
    action = models.CharField(_("action"), max_length=30)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    from_state = models.CharField(max_length=20, choices=AppealState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=AppealState.choices, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("appeal entry")
        verbose_name_plural = _("appeal entries")

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.action}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")

    def __str__(self) -> str:
        return f"{self.appeal_id}/{self.file_id}"
