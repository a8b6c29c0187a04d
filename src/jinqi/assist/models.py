"""Accompanied procedures (帮办/陪办, plan measures 10 and 66): the matters an enterprise may be
accompanied through, the service windows, their time slots with a capacity, the rota of
officials, the bookings and the improvement items the officials' findings become."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinqi.assist.enums import BookingState, DifficultyKind, ItemState
from jinqi.core import clock

LIVE_BOOKING = (BookingState.BOOKED, BookingState.ASSIGNED)


class Matter(models.Model):
    """A procedure (办事事项) an enterprise may ask to be accompanied through, and the department
    responsible for it: a difficulty met in it is routed there unless the official says
    otherwise."""

    name = models.CharField(_("matter"), max_length=200, unique=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    # A link to the matter's service guide (办事指南) page, kept as an address: the guides app
    # sits on this app's own line of the map and cannot be imported.
    guide_url = models.CharField(_("service guide"), max_length=300, blank=True)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")

    def __str__(self) -> str:
        return self.name


class ServiceWindow(models.Model):
    """A place where procedures are accompanied: the district administrative service centre or a
    town's community service centre, run by a department (the centre's staff assign officials)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("run by"),
    )
    active = models.BooleanField(_("open"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")

    def __str__(self) -> str:
        return self.name


class SlotQuerySet(models.QuerySet["Slot"]):
    def with_room(self) -> SlotQuerySet:
        return self.filter(booked__lt=F("capacity"))

    def not_started(self) -> SlotQuerySet:
        """Slots still ahead, read from the slot's own columns (no join: see `services._take`)."""
        local = timezone.localtime(clock.now())
        return self.filter(
            Q(day__gt=local.date()) | Q(day=local.date(), starts_at__gt=local.time())
        )

    def upcoming(self) -> SlotQuerySet:
        return self.not_started().filter(window__active=True)


class Slot(models.Model):
    """A time on one working day at one window, with room for `capacity` bookings. `booked` is
    the count of live bookings; the database refuses it above the capacity, and a booking takes
    its place with one conditional UPDATE (ADR 0023)."""

    window = models.ForeignKey(
        ServiceWindow, on_delete=models.CASCADE, related_name="slots", verbose_name=_("window")
    )
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["day", "starts_at", "window__sort_order"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.UniqueConstraint(fields=["window", "day", "starts_at"], name="assist_slot_once"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="assist_slot_within_capacity"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="assist_slot_has_room"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="assist_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.day:%Y-%m-%d} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def room(self) -> int:
        return self.capacity - self.booked

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.starts_at)


class RotaEntry(models.Model):
    """Who is on duty at a window on a weekday (the plan asks leaders to take turns): the rota
    the assignment suggests from, kept as data the centre edits."""

    window = models.ForeignKey(
        ServiceWindow, on_delete=models.CASCADE, related_name="rota", verbose_name=_("window")
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("official"),
    )
    title = models.CharField(_("position"), max_length=60, blank=True)

    class Meta:
        ordering = ["window", "weekday", "pk"]
        verbose_name = _("rota entry")
        verbose_name_plural = _("rota")
        constraints = [
            models.UniqueConstraint(
                fields=["window", "weekday", "official"], name="assist_rota_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.get_weekday_display()} {self.official}"


class Booking(models.Model):
    """An enterprise's accompanied procedure: which matter, at which window and time, who
    accompanies it and what happened. Its state moves only through `assist.workflow`."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    state = models.CharField(
        _("state"), max_length=20, choices=BookingState.choices, default=BookingState.BOOKED
    )
    note = models.TextField(_("what the enterprise needs"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("official"),
    )
    record = models.TextField(_("what happened"), blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-slot__day", "-slot__starts_at", "-pk"]
        verbose_name = _("accompanied procedure")
        verbose_name_plural = _("accompanied procedures")
        constraints = [
            # One live booking of an enterprise per slot, however often the form is sent.
            models.UniqueConstraint(
                fields=["enterprise", "slot"],
                condition=Q(state__in=LIVE_BOOKING),
                name="assist_booking_once_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="assist_booking_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.matter}"

    @property
    def reference(self) -> str:
        return f"PB{self.pk:06d}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_BOOKING


class ItemQuerySet(models.QuerySet["ImprovementItem"]):
    def open(self) -> ItemQuerySet:
        return self.exclude(state=ItemState.CLOSED)

    def overdue(self, today: dt.date) -> ItemQuerySet:
        return self.open().filter(due_on__lt=today)


class ImprovementItem(models.Model):
    """A difficulty an official met while accompanying a procedure, routed to the department
    responsible, with a working-day deadline, until that department closes it."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=DifficultyKind.choices)
    description = models.TextField(_("difficulty"))
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ItemState.choices, default=ItemState.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due"))
    answer = models.TextField(_("what was changed"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("improvement item")
        verbose_name_plural = _("improvement items")

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"GJ{self.pk:06d}"

    def overdue_on(self, today: dt.date) -> bool:
        return self.state != ItemState.CLOSED and self.due_on < today
