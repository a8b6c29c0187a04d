"""Domain-free models shared by every app: calendar overrides and stored uploads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """The lead office's word on one day, above what the holiday library knows."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.day} {'+' if self.is_working_day else '-'}"


class CalendarGap(models.Model):
    """A year the holiday library does not know, reached by a working-day count: flagged to the
    lead office until it enters that year's holidays and days off (CalendarOverride) and says
    so. Until then such counts take Monday to Friday, and the lead office is told."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    first_flagged_at = models.DateTimeField(_("first flagged at"))
    last_flagged_at = models.DateTimeField(_("last flagged at"))
    counts = models.PositiveIntegerField(_("deadlines counted into it"), default=1)
    resolved_at = models.DateTimeField(_("holidays entered at"), null=True, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar gap")
        verbose_name_plural = _("calendar gaps")

    def __str__(self) -> str:
        return str(self.year)


def _upload_path(instance: StoredFile, filename: str) -> str:
    return f"uploads/{instance.purpose}/{instance.uuid.hex[:2]}/{instance.uuid.hex}"


class StoredFile(models.Model):
    """An uploaded file, checked by content; who may download it is decided by its purpose."""

    uuid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("file identifier")
    )
    purpose = models.CharField(_("purpose"), max_length=60)
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 checksum"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.original_name


class WorkflowStep(models.Model):
    """One step of a declared workflow (core.workflow), for workflows without a log of their own:
    which record, which action, from which state to which, by whom, why, when. Append-only."""

    workflow = models.CharField(_("workflow"), max_length=100)  # the model's app_label.model
    object_id = models.PositiveBigIntegerField(_("record"))
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    text = models.TextField(_("text"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["workflow", "object_id", "at"])]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")

    def __str__(self) -> str:
        return f"{self.workflow}#{self.object_id} {self.from_state}→{self.to_state}"


class VerifiableDocument(models.Model):
    """A document the platform issues and anyone can check (core.documents): its content as
    issued, the hash of that content, a short code for the public verification page, its validity
    and, once something it states has changed, its revocation. Never edited after issue."""

    kind = models.CharField(_("kind"), max_length=60)  # the issuing app's name for it
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("verifiable document")
        verbose_name_plural = _("verifiable documents")

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"


class WriteGeneration(models.Model):
    """One row: how many times the platform's data may have changed (core.pagecache). A page
    kept in memory is served only under the generation it was rendered in."""

    value = models.BigIntegerField(_("generation"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("write generation")
        verbose_name_plural = _("write generations")

    def __str__(self) -> str:
        return str(self.value)
