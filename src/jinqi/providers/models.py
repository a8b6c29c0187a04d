"""The service-provider alliance (服务机构联盟, measure 68*): law firms, accounting firms,
guarantee and consulting companies that the 区经委 admits to serve the district's small
enterprises; their qualification documents and the platform accounts of their staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.core.models import StoredFile
from jinqi.providers.enums import NeedState, ProviderCategory, ProviderStatus
from jinqi.registry.models import Enterprise


class ServiceProviderQuerySet(models.QuerySet["ServiceProvider"]):
    def admitted(self) -> ServiceProviderQuerySet:
        return self.filter(status=ProviderStatus.ADMITTED)


class ServiceProvider(models.Model):
    """An organisation that applied to the alliance; `status` is moved only by
    `providers.workflow.PROVIDER_WORKFLOW` (ADR 0012)."""

    name = models.CharField(_("name"), max_length=200)
    # Checked by registry.uscc.check_uscc where it enters (the service, hence form and API).
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    category = models.CharField(_("category"), max_length=30, choices=ProviderCategory.choices)
    towns = models.ManyToManyField(
        Department, related_name="+", blank=True, verbose_name=_("towns served")
    )
    description = models.TextField(_("services offered"), blank=True)
    # The organisation's business contact, shown in the directory (a firm's line, not a person's).
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact e-mail"))
    # The applicant's person: personal data, read only by the office.
    contact_person = models.CharField(_("contact person"), max_length=60)
    status = models.CharField(
        _("status"), max_length=20, choices=ProviderStatus.choices, default=ProviderStatus.APPLIED
    )
    applied_at = models.DateTimeField(_("applied at"))
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    objects = ServiceProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class ProviderQualification(models.Model):
    """A qualification document (执业许可证, 经营许可证…) given with the application; stored
    through the file boundary (core.uploads, ADR 0009)."""

    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.CASCADE, related_name="qualifications"
    )
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("document"), max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")

    def __str__(self) -> str:
        return self.label


class ProviderMembership(models.Model):
    """A user of Role.PROVIDER acting for one provider: the one-to-one key lets the database
    refuse a second organisation for the same user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_membership"
    )
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="members")
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("provider member")
        verbose_name_plural = _("provider members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.provider}"


class ServiceNeed(models.Model):
    """An enterprise's need for a provider's service: posted to every admitted provider of the
    category serving the town, or sent to one provider the enterprise picked. The first
    provider to answer takes it up; `state` is moved only by `NEED_WORKFLOW`."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=30, choices=ProviderCategory.choices)
    town = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
    )
    text = models.TextField(_("what is needed"))
    # The provider picked by the enterprise, or the one that took the need up by answering.
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("provider"),
    )
    picked = models.BooleanField(_("provider picked by the enterprise"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=NeedState.choices, default=NeedState.OPEN
    )
    posted_at = models.DateTimeField(_("posted at"))
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(picked=False) | Q(provider__isnull=False),
                name="providers_picked_need_names_provider",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(state="withdrawn") | Q(provider__isnull=False),
                name="providers_answered_need_has_provider",
            ),
        ]
        verbose_name = _("service need")
        verbose_name_plural = _("service needs")

    def __str__(self) -> str:
        return self.text[:40]


class NeedMessage(models.Model):
    """One message of the conversation about a need, by the enterprise or the provider."""

    need = models.ForeignKey(ServiceNeed, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when the author wrote for the provider (else the enterprise wrote).
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("message"))
    at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.text[:40]


class ServiceRating(models.Model):
    """The enterprise's rating of the service it received: one per need, by the database."""

    need = models.OneToOneField(ServiceNeed, on_delete=models.PROTECT, related_name="rating")
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="providers_score_one_to_five"
            )
        ]
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")

    def __str__(self) -> str:
        return f"{self.provider} {self.score}"
