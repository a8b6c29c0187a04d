"""Every write of accompanied procedures: keyword-only, atomic, audited and announced through the
declared workflows (`assist.workflow`). A slot's capacity is held by the database: a booking
takes its place with one conditional UPDATE in the booking's transaction (ADR 0023)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.assist.enums import DifficultyKind
from jinqi.assist.models import Booking, ImprovementItem, Matter, ServiceWindow, Slot
from jinqi.assist.permissions import runs_window
from jinqi.assist.workflow import BOOKING_WORKFLOW, ITEM_WORKFLOW, Action
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import calendar, clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.registry.selectors import enterprise_of

# Working days a department has to close an improvement item, counted like an appeal's limit
# (core.calendar, with 调休): the 12345 hotline's fifteen working days for a request.
ITEM_WORKING_DAYS = 15


def _take(slot: Slot) -> None:
    """Take one place of `slot`, or refuse: the UPDATE's own condition is the check, so two
    enterprises booking the last place at once cannot both get it. The condition names the
    slot's own columns only: with a join Django writes `WHERE id IN (SELECT …)`, and PostgreSQL
    re-checks only `id` of a row another transaction changed meanwhile, not its count. The
    check constraint on the count holds as a second line."""
    if not Slot.objects.upcoming().filter(pk=slot.pk).exists():
        raise DomainError(_("This time has passed or the window is closed; choose another time."))
    try:
        with transaction.atomic():
            taken = (
                Slot.objects.filter(pk=slot.pk)
                .not_started()
                .with_room()
                .update(booked=F("booked") + 1)
            )
    except IntegrityError:
        taken = 0
    if not taken:
        raise DomainError(_("This time is fully booked; choose another time. Nothing was booked."))


def _release(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)


def _check_working_day(slot: Slot) -> None:
    if not calendar.is_working_day(slot.day):
        raise DomainError(
            _("%(day)s is not a working day; choose another time.") % {"day": slot.day}
        )


@transaction.atomic
def booking_book(
    *, matter: Matter, slot: Slot, note: str, contact_phone: str, acting_user: User
) -> Booking:
    """Book an accompanied procedure for the acting user's enterprise."""
    enterprise = enterprise_of(acting_user)
    if enterprise is None:
        raise PermissionDenied(_("Only a registered enterprise can book an accompanied procedure."))
    if not matter.active:
        raise DomainError(_("This matter is not offered; choose another."))
    _check_working_day(slot)
    _take(slot)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                enterprise=enterprise,
                matter=matter,
                slot=slot,
                note=note,
                contact_phone=contact_phone,
                booked_by=acting_user,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise DomainError(
            _("Your enterprise has booked this time already. Nothing was booked.")
        ) from None
    BOOKING_WORKFLOW.started(booking, Action.BOOK, acting_user=acting_user, text=note)
    return booking


@transaction.atomic
def booking_reschedule(
    *, booking: Booking, slot: Slot, lock_version: int, acting_user: User
) -> Booking:
    """Move a live booking to another time (the official is assigned again)."""
    if slot.pk == booking.slot_id:
        raise DomainError(_("Choose a time other than the one booked."))
    BOOKING_WORKFLOW.check(booking, Action.RESCHEDULE, acting_user)
    _check_working_day(slot)
    _take(slot)
    _release(booking.slot)
    old = booking.slot
    try:
        with transaction.atomic():
            BOOKING_WORKFLOW.apply(
                booking,
                Action.RESCHEDULE,
                lock_version=lock_version,
                acting_user=acting_user,
                text=_("Moved from %(old)s to %(new)s.") % {"old": old, "new": slot},
                changes={"slot": slot, "official": None},
            )
    except IntegrityError:
        raise DomainError(
            _("Your enterprise has booked this time already. Nothing was changed.")
        ) from None
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, lock_version: int, text: str, acting_user: User) -> Booking:
    BOOKING_WORKFLOW.apply(
        booking, Action.CANCEL, lock_version=lock_version, acting_user=acting_user, text=text
    )
    _release(booking.slot)
    return booking


@transaction.atomic
def booking_assign(
    *, booking: Booking, official: User, lock_version: int, acting_user: User
) -> Booking:
    """The service centre names the official who accompanies the procedure."""
    if official.role != Role.DEPARTMENT or not official.is_active:
        raise DomainError(_("Choose an official from the rota or the staff list."))
    BOOKING_WORKFLOW.apply(
        booking,
        Action.ASSIGN,
        lock_version=lock_version,
        acting_user=acting_user,
        text=official.full_name or official.username,
        changes={"official": official},
    )
    return booking


@transaction.atomic
def booking_hold(*, booking: Booking, record: str, lock_version: int, acting_user: User) -> Booking:
    """The official records what happened at the visit."""
    BOOKING_WORKFLOW.apply(
        booking,
        Action.HOLD,
        lock_version=lock_version,
        acting_user=acting_user,
        text=record,
        changes={"record": record.strip(), "held_at": clock.now()},
    )
    return booking


@transaction.atomic
def booking_miss(*, booking: Booking, text: str, lock_version: int, acting_user: User) -> Booking:
    BOOKING_WORKFLOW.apply(
        booking, Action.MISS, lock_version=lock_version, acting_user=acting_user, text=text
    )
    _release(booking.slot)
    return booking


@transaction.atomic
def booking_rate(*, booking: Booking, rating: int, lock_version: int, acting_user: User) -> Booking:
    if not 1 <= rating <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."))
    BOOKING_WORKFLOW.apply(
        booking,
        Action.RATE,
        lock_version=lock_version,
        acting_user=acting_user,
        text=str(rating),
        changes={"rating": rating},
    )
    return booking


@transaction.atomic
def difficulty_record(
    *,
    booking: Booking,
    kind: str,
    description: str,
    department: Department | None,
    acting_user: User,
) -> ImprovementItem:
    """A difficulty the official met becomes an improvement item routed to the department
    responsible (the matter's, unless the official names another), due in working days."""
    if booking.state != "held":
        raise DomainError(_("Record the visit first; then its difficulties."))
    if kind not in DifficultyKind.values:
        raise DomainError(_("Choose whether it is a difficulty, a pain point or a blockage."))
    if not description.strip():
        raise DomainError(_("Describe the difficulty."))
    department = department or booking.matter.department
    if department.is_group:
        raise DomainError(_("Choose one department, not a group."))
    today = clock.today()
    item = ImprovementItem.objects.create(
        booking=booking,
        kind=kind,
        description=description.strip(),
        department=department,
        raised_by=acting_user,
        raised_on=today,
        due_on=calendar.add_working_days(today, ITEM_WORKING_DAYS),
    )
    ITEM_WORKFLOW.started(item, Action.ROUTE, acting_user=acting_user, text=description)
    return item


@transaction.atomic
def item_transition(
    *,
    item: ImprovementItem,
    action: str,
    lock_version: int,
    text: str,
    department: Department | None = None,
    acting_user: User,
) -> ImprovementItem:
    """Accept, transfer, reassign, close or reopen an improvement item. A handed-over item
    gets a fresh deadline from today."""
    changes: dict[str, object] = {}
    if action in (Action.TRANSFER, Action.REASSIGN):
        if department is None or department.is_group or department.pk == item.department_id:
            raise DomainError(_("Choose the department that should take it over."))
        changes = {
            "department": department,
            "due_on": calendar.add_working_days(clock.today(), ITEM_WORKING_DAYS),
        }
    elif action == Action.CLOSE:
        changes = {"answer": text.strip(), "closed_on": clock.today()}
    elif action == Action.REOPEN:
        changes = {"closed_on": None}
    elif action != Action.ACCEPT:
        raise DomainError(_("This action does not exist."))
    ITEM_WORKFLOW.apply(
        item,
        action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes=changes,
    )
    return item


@transaction.atomic
def slots_open(
    *,
    window: ServiceWindow,
    first: dt.date,
    last: dt.date,
    times: Iterable[tuple[dt.time, dt.time]],
    capacity: int,
    acting_user: User,
) -> int:
    """Open slots at `window` on every working day from `first` to `last` (调休 included: a
    make-up Saturday has slots, a holiday none); a time already open is kept as it is.
    Returns how many slots were added."""
    if not runs_window(acting_user, window):
        raise PermissionDenied(_("Only the service centre running the window can open its times."))
    if last < first or (last - first).days > 92:
        raise DomainError(_("Choose a span of at most three months, the last day after the first."))
    if not 1 <= capacity <= 50:
        raise DomainError(_("A time takes from 1 to 50 bookings."))
    times = list(times)
    if not times or any(end <= start for start, end in times):
        raise DomainError(_("Each time must end after it starts."))
    days = calendar.WorkingDays(first, last)
    slots = [
        Slot(
            window=window,
            day=first + dt.timedelta(days=n),
            starts_at=start,
            ends_at=end,
            capacity=capacity,
        )
        for n in range((last - first).days + 1)
        if days.is_working_day(first + dt.timedelta(days=n))
        for start, end in times
    ]
    calendar.flag_gaps(days.unknown_years)
    before = Slot.objects.filter(window=window).count()
    Slot.objects.bulk_create(slots, ignore_conflicts=True)
    added = Slot.objects.filter(window=window).count() - before
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=window,
        note=f"slots {first}..{last} x{capacity}: {added}",
    )
    return added
