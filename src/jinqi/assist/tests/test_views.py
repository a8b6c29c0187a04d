"""The pages of accompanied procedures: booking through the form, a full time refused in Chinese
with nothing stored, the centre's assignment, the official's record and difficulty, the
department's closing, the lead office's figures; another enterprise's booking is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import department_user
from jinqi.assist.enums import BookingState, ItemState
from jinqi.assist.models import Booking, ImprovementItem
from jinqi.assist.tests import factories as f

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_an_enterprise_books_through_the_form() -> None:
    """The form books the chosen matter and time and leads to the booking's page."""
    user = f.firm_user()
    slot = f.slot()
    response = client_of(user).post(
        reverse("assist:book"),
        {
            "matter": f.matter().pk,
            "slot": slot.pk,
            "note": "首次办理",
            "contact_phone": "13812345678",
        },
        follow=True,
    )
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0] == reverse("assist:booking", args=[booking.pk])
    assert "预约成功" in response.content.decode()


def test_a_full_time_is_refused_in_chinese_and_nothing_is_stored() -> None:
    """The last place taken meanwhile: the form says so in Chinese and stores nothing."""
    slot = f.slot(capacity=1)
    f.booked(at=slot)
    user = f.firm_user()
    with translation.override("zh-hans"):
        response = client_of(user).post(
            reverse("assist:book"), {"matter": f.matter().pk, "slot": slot.pk}
        )
    assert response.status_code == 200
    assert "该时段已不能预约" in response.content.decode()
    assert Booking.objects.count() == 1


def test_another_enterprises_booking_is_not_found() -> None:
    """An enterprise user opening another enterprise's booking gets a 404."""
    booking = f.booked()
    response = client_of(f.firm_user()).get(reverse("assist:booking", args=[booking.pk]))
    assert response.status_code == 404


def test_the_centre_assigns_the_official_on_duty_and_the_official_records() -> None:
    """The centre's page suggests the official on duty; the official records the visit and a
    difficulty that goes to the matter's department."""
    slot = f.slot()
    official = department_user("economy")
    f.on_rota(official, slot)
    booking = f.booked(at=slot)
    centre = client_of(f.centre_staff())
    page = centre.get(reverse("assist:booking", args=[booking.pk])).content.decode()
    assert "当日值班" in page
    centre.post(
        reverse("assist:booking_act", args=[booking.pk]),
        {"action": "assign", "lock_version": 0, "official": official.pk},
    )
    booking.refresh_from_db()
    assert booking.state == BookingState.ASSIGNED and booking.official == official
    mine = client_of(official)
    mine.post(
        reverse("assist:booking_act", args=[booking.pk]),
        {"action": "hold", "lock_version": booking.lock_version, "text": "已陪同办结。"},
    )
    mine.post(
        reverse("assist:difficulty_add", args=[booking.pk]),
        {"kind": "pain", "description": "需重复提交纸质材料。", "department": ""},
    )
    item = ImprovementItem.objects.get()
    assert item.department.code == "market-regulation" and item.kind == "pain"


def test_the_department_closes_its_item_and_the_lead_office_sees_the_figures() -> None:
    """The department closes the item on its page; the statistics count it closed on time."""
    item, _official = f.routed()
    staff = client_of(department_user("market-regulation"))
    staff.post(
        reverse("assist:item_act", args=[item.pk]),
        {"action": "close", "lock_version": item.lock_version, "text": "已统一材料清单。"},
    )
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED
    page = client_of(f.lead()).get(reverse("assist:statistics")).content.decode()
    assert "100.0%" in page


def test_a_bad_action_changes_nothing() -> None:
    """An unknown action or a missing answer is refused with a message; the item is unchanged."""
    item, _official = f.routed()
    staff = client_of(department_user("market-regulation"))
    for data in (
        {"action": "explode", "lock_version": item.lock_version, "text": "x"},
        {"action": "close", "lock_version": item.lock_version, "text": ""},
    ):
        response = staff.post(reverse("assist:item_act", args=[item.pk]), data, follow=True)
        assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == ItemState.OPEN and item.lock_version == 0


def test_another_department_does_not_see_the_item() -> None:
    """A department the item is not routed to gets a 404."""
    item, _official = f.routed()
    response = client_of(department_user("finance")).get(reverse("assist:item", args=[item.pk]))
    assert response.status_code == 404


def test_the_to_do_counts_the_departments_open_items() -> None:
    """The department's to-do page counts its open improvement items."""
    f.routed()
    page = client_of(department_user("market-regulation")).get(reverse("web:todo")).content
    assert "帮办陪办发现的整改事项" in page.decode()
