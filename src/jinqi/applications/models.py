"""Application forms (versioned per policy), applications, their transitions and attachments,
and the publicity batches (公示) with their objections."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jinqi.applications.definition import Definition, definition_from
from jinqi.applications.enums import Admission, ApplicationState, ObjectionState
from jinqi.core.models import StoredFile
from jinqi.policies.models import Policy
from jinqi.registry.models import Enterprise

# States in which an enterprise has an application under way for a policy: it cannot start
# another one for the same policy.
OPEN_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.RETURNED,
    ApplicationState.IN_REVIEW,
)


class ApplicationForm(models.Model):
    """One version of a policy's form; an application keeps the version it was started with."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="forms", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("JSON Schema of the answers"))
    layout = models.JSONField(_("layout hints"))
    admission = models.CharField(
        _("who may apply"),
        max_length=30,
        choices=Admission.choices,
        default=Admission.ELIGIBLE_OR_UNKNOWN,
    )
    is_open = models.BooleanField(_("accepting applications"), default=True)
    acceptance_days = models.PositiveSmallIntegerField(
        _("working days to accept or return (受理)"), default=2
    )
    correction_days = models.PositiveSmallIntegerField(
        _("working days for the enterprise to correct (补正)"), default=5
    )
    publicity_days = models.PositiveSmallIntegerField(
        _("working days of public notice (公示)"), default=5
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="application_form_unique")
        ]
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")

    def __str__(self) -> str:
        return gettext("%(policy)s: application form, version %(number)s") % {
            "policy": self.policy.title,
            "number": self.number,
        }

    @cached_property
    def definition(self) -> Definition:
        return definition_from(self.schema, self.layout)


class Application(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="applications", verbose_name=_("policy")
    )
    form = models.ForeignKey(
        ApplicationForm,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application form"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applicant"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # What the registry held when the application was submitted: key → {value, source, as_of}.
    prefilled = models.JSONField(_("data held by the government"), default=dict, blank=True)
    # Index into the form's review steps while IN_REVIEW.
    step = models.PositiveSmallIntegerField(_("review step"), default=0)
    deadline = models.DateField(_("due by"), null=True, blank=True)
    # In 万元 to the yuan (four decimals), like the computed amounts (ADR 0017).
    approved_amount = models.DecimalField(
        _("approved amount (10,000 CNY)"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    paid_amount = models.DecimalField(
        _("amount paid (10,000 CNY)"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    batch = models.ForeignKey(
        "PublicityBatch",
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
        verbose_name=_("publicity batch"),
    )
    lock_version = models.PositiveIntegerField(
        default=0, verbose_name=_("version for optimistic locking")
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "enterprise"],
                condition=Q(state__in=OPEN_STATES),
                name="application_one_open_per_policy",
            )
        ]
        indexes = [
            models.Index(fields=["policy", "state"]),
            models.Index(fields=["enterprise", "state"]),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)


class ApplicationTransition(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=20, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ApplicationState.choices)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application transition")
        verbose_name_plural = _("application transitions")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    material = models.CharField(_("material"), max_length=40)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["material", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.application_id}/{self.material}"


class PublicityBatch(models.Model):
    """A list of approved applications published for public notice (公示)."""

    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="publicity_batches", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("batch"))
    starts_on = models.DateField(_("notice from"))
    ends_on = models.DateField(_("notice until"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="publicity_batch_unique")
        ]
        verbose_name = _("publicity batch")
        verbose_name_plural = _("publicity batches")

    def __str__(self) -> str:
        return f"{self.policy.code} #{self.number}"


class Objection(models.Model):
    """An objection raised by anyone during a public notice; answered by the department."""

    batch = models.ForeignKey(
        PublicityBatch,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("publicity batch"),
    )
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="objections"
    )
    text = models.TextField(_("objection"))
    contact = models.CharField(_("contact"), max_length=100)  # personal data: masked in lists
    state = models.CharField(
        _("state"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.batch} objection {self.pk}"
