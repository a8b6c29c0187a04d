"""Accompanied procedures for tests, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.assist import services
from jinqi.assist.enums import DifficultyKind
from jinqi.assist.models import Booking, ImprovementItem, Matter, RotaEntry, ServiceWindow, Slot
from jinqi.core import calendar, clock
from jinqi.registry.tests.factories import enterprise as registry_enterprise

CENTRE = "admin-service-center"
MATTER = "企业设立登记"  # seeded, routed to market regulation


def window() -> ServiceWindow:
    return ServiceWindow.objects.get(department__code=CENTRE)


def matter(name: str = MATTER) -> Matter:
    return Matter.objects.select_related("department").get(name=name)


def centre_staff() -> User:
    return department_user(CENTRE)


def firm_user() -> User:
    firm = registry_enterprise()
    return cast(User, UserFactory(enterprise=True, enterprise_uscc=firm.uscc))


def lead() -> User:
    return cast(User, UserFactory(lead_office=True))


def next_working_day(after: dt.date | None = None) -> dt.date:
    return calendar.add_working_days(after or clock.today(), 1)


def slot(
    capacity: int = 3, *, day: dt.date | None = None, hour: int = 9, at: ServiceWindow | None = None
) -> Slot:
    return Slot.objects.create(
        window=at or window(),
        day=day or next_working_day(),
        starts_at=dt.time(hour, 0),
        ends_at=dt.time(hour + 1, 0),
        capacity=capacity,
    )


def on_rota(official: User, at: Slot) -> RotaEntry:
    return RotaEntry.objects.create(
        window=at.window, weekday=at.day.weekday(), official=official, title="副主任"
    )


def booked(user: User | None = None, *, at: Slot | None = None, **data: Any) -> Booking:
    return services.booking_book(
        matter=data.pop("matter", None) or matter(),
        slot=at or slot(),
        note=data.pop("note", "第一次办理，材料不熟悉。"),
        contact_phone=data.pop("contact_phone", "13812345678"),
        acting_user=user or firm_user(),
    )


def step(action: Any, target: Booking | ImprovementItem, user: User, /, **kwargs: Any) -> Any:
    """Call a service with the record's current lock version."""
    target.refresh_from_db()
    name = "booking" if isinstance(target, Booking) else "item"
    return action(lock_version=target.lock_version, acting_user=user, **{name: target}, **kwargs)


def held(user: User | None = None) -> tuple[Booking, User, User]:
    """A booking the centre assigned and its official held: (booking, enterprise user, official)."""
    firm = user or firm_user()
    booking = booked(firm)
    official = department_user("development-reform")
    centre = centre_staff()
    step(services.booking_assign, booking, centre, official=official)
    step(
        services.booking_hold,
        booking,
        official,
        record="陪同企业完成设立登记，现场发现材料要求不一致。",
    )
    booking.refresh_from_db()
    return booking, firm, official


def routed(**data: Any) -> tuple[ImprovementItem, User]:
    """An improvement item raised on a held booking: (item, official)."""
    booking, _firm, official = held()
    item = services.difficulty_record(
        booking=booking,
        kind=data.pop("kind", DifficultyKind.BLOCK),
        description=data.pop("description", "窗口要求的材料与办事指南不一致。"),
        department=data.pop("department", None),
        acting_user=official,
    )
    return item, official
