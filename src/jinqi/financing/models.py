"""Financing (一网畅融): institutions and their members, the product catalogue, financing
requests, and the consent ledger — which institution may read which enterprise's data package,
for what and until when — with every read of a package."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinqi.financing.enums import (
    Collateral,
    ConsentStatus,
    InstitutionKind,
    ProductKind,
    ReadChannel,
    RequestState,
)

OPEN_REQUEST_STATES = (RequestState.SUBMITTED, RequestState.TAKEN, RequestState.ASKED)
DECIDED_STATES = (RequestState.GRANTED, RequestState.DECLINED)


class Institution(models.Model):
    """A financial institution on the platform: a bank, a guarantee company, …"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("financial institution")
        verbose_name_plural = _("financial institutions")

    def __str__(self) -> str:
        return self.name


class InstitutionMember(models.Model):
    """A user of the institution role and the one institution they act for: the database says
    "one institution per user" (the user is the primary key)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="institution_membership",
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="members", verbose_name=_("institution")
    )

    class Meta:
        verbose_name = _("institution member")
        verbose_name_plural = _("institution members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"


class ProductQuerySet(models.QuerySet["Product"]):
    def offered(self) -> ProductQuerySet:
        return self.filter(active=True)


class Product(models.Model):
    """A financing product of the catalogue, edited by the finance office as data: its terms in
    words and figures, and who may use it as a rule over the enterprise profile."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices)
    summary = models.TextField(_("what it is"))
    terms = models.TextField(_("terms"))
    max_amount = models.DecimalField(
        _("largest amount (10,000 yuan)"), max_digits=10, decimal_places=2
    )
    max_term_months = models.PositiveIntegerField(_("longest term (months)"))
    rate_note = models.CharField(_("rate and fees"), max_length=200)
    eligibility_sql = models.TextField(_("who may use it (rule)"))
    source = models.CharField(
        _("published source of the terms"),
        max_length=300,
        blank=True,
        help_text=_("Empty: the terms are an example, and the page says so."),
    )
    active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("financing product")
        verbose_name_plural = _("financing products")

    def __str__(self) -> str:
        return self.name

    @property
    def terms_are_example(self) -> bool:
        return not self.source


class FinancingRequest(models.Model):
    """An enterprise's financing need, published to the institutions; one takes it up and
    reports the decision within the configured number of working days."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="financing_requests"
    )
    amount = models.DecimalField(_("amount (10,000 yuan)"), max_digits=12, decimal_places=2)
    purpose = models.TextField(_("purpose"))
    term_months = models.PositiveIntegerField(_("term (months)"))
    collateral = models.CharField(_("collateral"), max_length=20, choices=Collateral.choices)
    products = models.ManyToManyField(
        Product, blank=True, related_name="requests", verbose_name=_("products wanted")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("institution"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))
    taken_on = models.DateField(_("taken up on"), null=True, blank=True)
    decide_due = models.DateField(_("decision due"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    granted_amount = models.DecimalField(
        _("granted amount (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    granted_rate = models.DecimalField(
        _("annual rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    granted_term_months = models.PositiveIntegerField(
        _("granted term (months)"), null=True, blank=True
    )
    granted_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("granted under"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    escalated_on = models.DateField(_("escalated to the finance office on"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("financing request")
        verbose_name_plural = _("financing requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(term_months__gt=0), name="financing_request_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state=RequestState.GRANTED)
                | (
                    Q(granted_amount__gt=0)
                    & Q(granted_rate__isnull=False)
                    & Q(granted_term_months__gt=0)
                ),
                name="financing_granted_has_terms",
            ),
            models.CheckConstraint(
                condition=Q(state=RequestState.SUBMITTED)
                | Q(state=RequestState.WITHDRAWN)
                | Q(institution__isnull=False),
                name="financing_taken_has_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"RZ{self.submitted_on:%Y}{self.pk:06d}"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, day: dt.date) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=day, valid_until__gte=day)


class Consent(models.Model):
    """An enterprise's authorisation: one institution may read its data package, for one
    purpose, from one day to another, until the enterprise withdraws it."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="financing_consents"
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("institution"),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    request = models.ForeignKey(
        FinancingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("financing request"),
    )
    include_representative = models.BooleanField(
        _("the legal representative's identity number and phone"), default=False
    )
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="consent_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.institution}: {self.purpose}"

    def status_on(self, day: dt.date) -> ConsentStatus:
        if self.withdrawn_at is not None:
            return ConsentStatus.WITHDRAWN
        if day < self.valid_from:
            return ConsentStatus.NOT_YET
        if day > self.valid_until:
            return ConsentStatus.EXPIRED
        return ConsentStatus.IN_FORCE


class PackageRead(models.Model):
    """One read of a data package under a consent: who, when, through what. Append-only; the
    enterprise sees every row on its page."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("through"), max_length=10, choices=ReadChannel.choices)
    at = models.DateTimeField(_("read at"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("package read")
        verbose_name_plural = _("package reads")

    def __str__(self) -> str:
        return f"{self.consent_id} {self.at:%Y-%m-%d %H:%M}"
