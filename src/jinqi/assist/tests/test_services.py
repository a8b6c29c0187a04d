"""Booking, capacity, rescheduling, the visit and its improvement items, through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import department_user
from jinqi.assist import services
from jinqi.assist.enums import BookingState, ItemState
from jinqi.assist.models import Booking, ImprovementItem, Slot
from jinqi.assist.tests import factories as f
from jinqi.assist.workflow import Action
from jinqi.core import calendar, clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import CalendarOverride, WorkflowStep
from jinqi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_booking_takes_a_place_and_tells_the_centre() -> None:
    """A booking takes one place of its slot, is logged and reaches the centre's inbox."""
    centre = f.centre_staff()
    slot = f.slot(capacity=2)
    booking = f.booked(at=slot)
    slot.refresh_from_db()
    assert slot.booked == 1 and booking.state == BookingState.BOOKED
    assert WorkflowStep.objects.filter(workflow="assist.booking", action=Action.BOOK).exists()
    assert Notification.objects.filter(recipient=centre, kind="assist.booking").exists()


def test_a_full_slot_refuses_in_chinese_and_changes_nothing() -> None:
    """The booking past the capacity is refused with a clear message; nothing is stored."""
    slot = f.slot(capacity=1)
    f.booked(at=slot)
    with pytest.raises(DomainError, match="约满"):
        f.booked(at=slot)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.count() == 1


def test_the_same_enterprise_cannot_book_one_slot_twice() -> None:
    """A second live booking of the same enterprise in one slot is refused by the constraint."""
    user = f.firm_user()
    slot = f.slot(capacity=3)
    f.booked(user, at=slot)
    with pytest.raises(DomainError, match="已预约"):
        f.booked(user, at=slot)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_past_time_cannot_be_booked() -> None:
    """A slot whose time has passed is refused."""
    slot = f.slot(day=clock.today() - dt.timedelta(days=3))
    with pytest.raises(DomainError, match="已过"):
        f.booked(at=slot)


def test_a_holiday_declared_after_the_slot_was_opened_refuses_the_booking() -> None:
    """A day the lead office turns into a holiday (调休) takes no booking."""
    slot = f.slot()
    CalendarOverride.objects.create(day=slot.day, is_working_day=False, note="调休")
    with pytest.raises(DomainError, match="工作日"):
        f.booked(at=slot)


def test_reschedule_moves_the_place_and_clears_the_official() -> None:
    """Rescheduling frees the old place, takes the new one and asks for a new assignment."""
    user = f.firm_user()
    first, second = f.slot(hour=9), f.slot(hour=14)
    booking = f.booked(user, at=first)
    f.step(services.booking_assign, booking, f.centre_staff(), official=department_user("economy"))
    f.step(services.booking_reschedule, booking, user, slot=second)
    booking.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    assert booking.state == BookingState.BOOKED and booking.official is None


def test_reschedule_into_a_full_slot_changes_nothing() -> None:
    """Moving to a full time is refused and the booking keeps its place."""
    user = f.firm_user()
    first, full = f.slot(hour=9), f.slot(capacity=1, hour=14)
    f.booked(at=full)
    booking = f.booked(user, at=first)
    with pytest.raises(DomainError, match="约满"):
        f.step(services.booking_reschedule, booking, user, slot=full)
    booking.refresh_from_db()
    first.refresh_from_db()
    assert booking.slot_id == first.pk and first.booked == 1


def test_cancel_frees_the_place() -> None:
    """A cancelled booking gives its place back."""
    user = f.firm_user()
    slot = f.slot(capacity=1)
    booking = f.booked(user, at=slot)
    f.step(services.booking_cancel, booking, user, text="")
    slot.refresh_from_db()
    assert slot.booked == 0
    f.booked(at=slot)  # someone else may take it now


def test_another_enterprise_cannot_cancel() -> None:
    """Only the booking enterprise cancels."""
    booking = f.booked()
    with pytest.raises(PermissionDenied):
        f.step(services.booking_cancel, booking, f.firm_user(), text="")


def test_assign_is_the_centres_and_notifies_the_official() -> None:
    """The centre running the window assigns; the official hears of it; another department may
    not assign."""
    booking = f.booked()
    official = department_user("economy")
    with pytest.raises(PermissionDenied):
        f.step(services.booking_assign, booking, department_user("finance"), official=official)
    f.step(services.booking_assign, booking, f.centre_staff(), official=official)
    booking.refresh_from_db()
    assert booking.state == BookingState.ASSIGNED and booking.official == official
    assert Notification.objects.filter(recipient=official, kind="assist.assigned").exists()


def test_rota_suggests_the_official_on_duty() -> None:
    """The official on the window's rota for the slot's weekday is suggested first."""
    from jinqi.assist.selectors import official_choices

    slot = f.slot()
    on_duty = department_user("economy")
    f.on_rota(on_duty, slot)
    booking = f.booked(at=slot)
    assert official_choices(booking)[0][0] == on_duty


def test_only_the_official_holds_and_only_a_held_visit_takes_difficulties() -> None:
    """The visit is recorded by its official; difficulties only after the visit is recorded."""
    booking = f.booked()
    official = department_user("economy")
    f.step(services.booking_assign, booking, f.centre_staff(), official=official)
    with pytest.raises(DomainError):
        services.difficulty_record(
            booking=booking,
            kind="block",
            description="材料不一致",
            department=None,
            acting_user=official,
        )
    with pytest.raises(PermissionDenied):
        f.step(services.booking_hold, booking, department_user("finance"), record="已办结")
    f.step(services.booking_hold, booking, official, record="已办结")
    booking.refresh_from_db()
    assert booking.state == BookingState.HELD and booking.record == "已办结"


def test_a_difficulty_becomes_an_item_routed_to_the_matters_department() -> None:
    """A difficulty goes to the matter's department by default, due in working days, and its
    staff are told."""
    staff = department_user("market-regulation")
    item, _official = f.routed()
    assert item.department.code == "market-regulation"
    assert item.state == ItemState.OPEN
    assert item.due_on == calendar.add_working_days(clock.today(), services.ITEM_WORKING_DAYS)
    assert Notification.objects.filter(recipient=staff, kind="assist.item").exists()


def test_the_official_may_route_to_another_department() -> None:
    """The official names the department when the matter's is not the one to fix it."""
    item, _official = f.routed(department=Department.objects.get(code="tax-jinshan"))
    assert item.department.code == "tax-jinshan"


def test_the_department_works_the_item_until_closed_on_time() -> None:
    """Accept and close by the responsible department; the lead office may reopen."""
    item, _official = f.routed()
    staff = department_user("market-regulation")
    with pytest.raises(PermissionDenied):
        f.step(services.item_transition, item, department_user("finance"), action="accept", text="")
    f.step(services.item_transition, item, staff, action="accept", text="")
    f.step(services.item_transition, item, staff, action="close", text="已统一材料清单。")
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED and item.closed_on == clock.today()
    assert item.answer == "已统一材料清单。"
    f.step(services.item_transition, item, f.lead(), action="reopen", text="企业反映仍不一致。")
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS and item.closed_on is None


def test_closing_needs_the_answer() -> None:
    """A department closes only saying what was changed."""
    item, _official = f.routed()
    with pytest.raises(DomainError):
        f.step(
            services.item_transition,
            item,
            department_user("market-regulation"),
            action="close",
            text=" ",
        )


def test_transfer_hands_over_with_a_fresh_deadline() -> None:
    """A transfer moves the item to another department with a new deadline from today."""
    item, _official = f.routed()
    clock.advance(dt.timedelta(days=10))
    try:
        f.step(
            services.item_transition,
            item,
            department_user("market-regulation"),
            action="transfer",
            text="属税务事项",
            department=Department.objects.get(code="tax-jinshan"),
        )
        item.refresh_from_db()
        assert item.department.code == "tax-jinshan" and item.state == ItemState.OPEN
        assert item.due_on == calendar.add_working_days(clock.today(), services.ITEM_WORKING_DAYS)
    finally:
        clock.reset()


def test_rating_once_after_the_visit() -> None:
    """The enterprise rates a held visit once."""
    booking, firm, _official = f.held()
    f.step(services.booking_rate, booking, firm, rating=5)
    with pytest.raises(DomainError):
        f.step(services.booking_rate, booking, firm, rating=4)
    booking.refresh_from_db()
    assert booking.rating == 5


def test_slots_open_only_on_working_days() -> None:
    """Opening times skips weekends and holidays and keeps times already open."""
    staff = f.centre_staff()
    window = f.window()
    first = dt.date(2026, 9, 28)  # Monday; 1–7 October is the National Day holiday
    times = [(dt.time(9), dt.time(10))]
    added = services.slots_open(
        window=window,
        first=first,
        last=dt.date(2026, 10, 11),
        times=times,
        capacity=2,
        acting_user=staff,
    )
    days = set(Slot.objects.filter(window=window).values_list("day", flat=True))
    assert dt.date(2026, 10, 2) not in days and dt.date(2026, 9, 28) in days
    assert all(calendar.is_working_day(day) for day in days)
    assert added == len(days)
    assert (
        services.slots_open(
            window=window,
            first=first,
            last=dt.date(2026, 10, 11),
            times=times,
            capacity=2,
            acting_user=staff,
        )
        == 0
    )


def test_only_the_centre_opens_its_windows_times() -> None:
    """Another department cannot open times at the centre's window."""
    with pytest.raises(PermissionDenied):
        services.slots_open(
            window=f.window(),
            first=clock.today(),
            last=clock.today(),
            times=[(dt.time(9), dt.time(10))],
            capacity=1,
            acting_user=department_user("finance"),
        )


def test_figures_count_held_rated_and_on_time() -> None:
    """The statistics count held visits, the mean rating and items closed on time."""
    from jinqi.assist.selectors import figures

    item, _official = f.routed()
    booking = item.booking
    firm_user = f.firm_user()
    booking.refresh_from_db()
    # the enterprise user of the booking rates it
    from jinqi.accounts.models import User

    rater = User.objects.get(pk=booking.booked_by_id)
    f.step(services.booking_rate, booking, rater, rating=4)
    f.step(
        services.item_transition,
        item,
        department_user("market-regulation"),
        action="close",
        text="已改。",
    )
    result = figures()
    assert result.held == 1 and result.satisfaction == 4.0
    assert result.items_closed == 1 and result.on_time_rate == 100.0
    assert firm_user.pk  # another enterprise's user changes nothing
    assert ImprovementItem.objects.overdue(clock.today()).count() == 0
