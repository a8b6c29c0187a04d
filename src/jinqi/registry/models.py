"""The enterprise registry (法人库): one trusted record per enterprise, facts from departments
with their source and as-of date, and a materialised wide profile for fast reads."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Now
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.core.models import StoredFile
from jinqi.registry.enums import RegistrationStatus, SizeClass
from jinqi.registry.vocabulary import FIELDS, label


class Industry(models.Model):
    """A code of GB/T 4754-2017 (section letter, division, group or class) with its name."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def active(self) -> EnterpriseQuerySet:
        return self.filter(status=RegistrationStatus.ACTIVE)


class Enterprise(models.Model):
    # Unique and indexed through Meta, not unique=True / db_index=True: on PostgreSQL those add
    # a second (varchar_pattern_ops) index for LIKE, which no query uses and every import pays.
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("registration status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.ACTIVE,
    )
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    enterprise_type = models.CharField(_("enterprise type"), max_length=60, blank=True)
    # The links the import writes millions of carry no database constraint (db_constraint):
    # PostgreSQL checks each row of a COPY against each constraint with a query of its own,
    # most of the import's time (docs/adr/0005-registry-deliveries.md). The ORM still applies
    # on_delete, imports check the codes they link, and `integrity.orphans` finds strays.
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,  # one index in Meta, not Django's two (see there)
        verbose_name=_("industry"),
    )
    town = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("town, street or park"),
    )
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    # Personal data: masked in lists, exports and API responses unless the role needs it.
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    # Personal data: shown masked, given to a financial institution only under a consent that
    # names it (financing).
    legal_representative_id_number = models.CharField(
        _("legal representative's identity number"), max_length=18, blank=True
    )
    legal_representative_phone = models.CharField(
        _("legal representative's phone"), max_length=30, blank=True
    )
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The database's default stamps the rows imports COPY (`importing.bulk.stamps`).
    created_at = models.DateTimeField(_("created at"), db_default=Now())
    updated_at = models.DateTimeField(_("updated at"), db_default=Now())

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["uscc"], name="registry_enterprise_uscc")]
        indexes = [
            models.Index(fields=["name"], name="registry_enterprise_name"),
            # For a link to a text key Django makes a plain index and a LIKE twin; the twin also
            # serves equality, which is all that is asked of it besides prefixes (segments by
            # industry), so the plain one is not built (3 s of a 3.3-million-row first load).
            models.Index(
                fields=["industry"],
                name="registry_enterprise_industry",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class BusinessAddress(models.Model):
    """A further place of business on the same licence (一照多址)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(_("address"), max_length=300)

    class Meta:
        verbose_name = _("business address")
        verbose_name_plural = _("business addresses")

    def __str__(self) -> str:
        return self.address


class ImportBatch(models.Model):
    """One file imported by a department; committed chunk by chunk, each all-or-nothing."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Import failed")

    source = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    error_report = models.ForeignKey(
        StoredFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Every delivery of the batch is as of this date; a rerun that continues it must agree.
    as_of = models.DateField(_("as of"), null=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"


class JSONText(models.JSONField):
    """JSON stored as text (PostgreSQL `json`, not `jsonb`): written once, read whole and never
    queried inside, so the server need not convert it to jsonb at every import (a third of
    the import's time on PostgreSQL; docs/PERFORMANCE.md)."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if connection.vendor == "postgresql" and value is not None:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None and not isinstance(value, str):
            return value  # psycopg has read the json already
        return super().from_db_value(value, expression, connection)


class DeliveryLayout(models.Model):
    """The fact references a delivery gives, in order (`fact_ref`: the key, and `@year` for a
    yearly figure, as in "revenue@2024"). Shared by every delivery that gives the same ones, as
    most rows of a file do, so a delivery stores only its values."""

    refs = models.JSONField()
    digest = models.CharField(max_length=64, unique=True)  # sha256 of the refs, for look-ups

    def __str__(self) -> str:
        return ", ".join(self.refs)


class Delivery(models.Model):
    """What one department said about one enterprise as of a date: every value it gave, in one
    row (docs/adr/0005-registry-deliveries.md).

    `values` holds the values in the order of `layout.refs`; `given` pairs them. Deliveries
    never change: the current value of a key and year is the one in the newest delivery that
    has it (latest as-of date, then latest recorded); the others are its history."""

    # No database constraints, as on Enterprise's links; no index on source, batch and layout:
    # nothing reads deliveries by them, and every index is paid at each import.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="deliveries", db_constraint=False
    )
    source = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    as_of = models.DateField(_("as of"))
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), db_default=Now())
    layout = models.ForeignKey(
        DeliveryLayout,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    values = JSONText(_("values"))

    class Meta:
        ordering = ["as_of", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.source_id} {self.as_of}"

    @property
    def given(self) -> dict[str, Any]:
        """Fact reference → value, in the order given."""
        return dict(zip(self.layout.refs, self.values, strict=True))


def fact_ref(key: str, year: int | None) -> str:
    """How a fact is named inside a delivery: `revenue@2024`, or the key alone."""
    return key if year is None else f"{key}@{year}"


def fact_ref_parse(ref: str) -> tuple[str, int | None]:
    key, _sep, year = ref.partition("@")
    return key, int(year) if year else None


@dataclass(frozen=True)
class Fact:
    """One value of a delivery, with the delivery's source and as-of date.

    `is_current` is worked out where the enterprise's deliveries are read together
    (`selectors.enterprise_facts`); None where only this delivery was read."""

    delivery: Delivery
    key: str
    year: int | None
    value: Any
    is_current: bool | None = None

    @property
    def ref(self) -> str:
        return fact_ref(self.key, self.year)

    @property
    def enterprise(self) -> Enterprise:
        return self.delivery.enterprise

    @property
    def source(self) -> Department:
        return self.delivery.source

    @property
    def as_of(self) -> dt.date:
        return self.delivery.as_of

    @property
    def batch(self) -> ImportBatch | None:
        return self.delivery.batch


class CorrectionRequest(models.Model):
    """An enterprise says a fact is wrong; the source department answers by a deadline."""

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting answer")
        CORRECTED = "corrected", _("Corrected")
        REJECTED = "rejected", _("Rejected with reasons")

    # The fact flagged: one key (and year) of one delivery.
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="corrections")
    key = models.CharField(_("field"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("what is wrong"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    due_on = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            # One open request per fact, however many are sent at once (a fact without a year
            # counts once too: NULLs would be distinct, 0 is no year a fact has).
            models.UniqueConstraint(
                F("delivery"),
                F("key"),
                Coalesce(F("year"), Value(0)),
                condition=Q(state="open"),
                name="correction_request_one_open_per_fact",
            )
        ]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self) -> str:
        return f"{self.enterprise} {label(self.key)}"

    @property
    def fact(self) -> Fact:
        ref = fact_ref(self.key, self.year)
        return Fact(self.delivery, self.key, self.year, self.delivery.given.get(ref))


def _profile_field(label: str, type_: str) -> models.Field:
    if type_ == "integer":
        return models.BigIntegerField(label, null=True, blank=True)
    if type_ in ("money", "number", "ratio"):
        return models.FloatField(label, null=True, blank=True)
    if type_ == "boolean":
        return models.BooleanField(label, null=True, blank=True)
    if type_ == "date":
        return models.DateField(label, null=True, blank=True)
    return models.CharField(label, max_length=60, blank=True, null=True)


class Profile(models.Model):
    """The materialised wide profile: one row per enterprise, one column per stored key.

    Rebuilt from the current facts by `services.profiles_refresh`; never edited by hand. Keys that
    depend on the evaluation date (age_years) are derived at read time, not stored."""

    enterprise = models.OneToOneField(
        Enterprise,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
        db_constraint=False,  # as on Enterprise's links
    )
    # NULL, not "", for an unknown class: rules read missing data as unknown (three-valued logic).
    size_class = models.CharField(  # noqa: DJ001
        max_length=10, choices=SizeClass.choices, blank=True, null=True
    )
    refreshed_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.enterprise_id)


def _add_profile_columns() -> None:
    for spec in FIELDS:
        if not spec.stored or spec.key == "size_class":
            continue
        Profile.add_to_class(spec.key, _profile_field(spec.key, spec.type))


_add_profile_columns()
