"""Staff land where their work is: the to-do page (待办) with counts that link to the work, the
lead office on its console; menus longer than a line fold their groups into dropdowns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.core import clock
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus
from jinqi.plans.tests.factories import import_plan, small_plan_csv
from jinqi.web.navigation import FLAT_LIMIT, NavItem, _visible, menu_for

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 7, 9, 0)


def _menu(user: User, path: str = "/") -> list[NavItem]:
    request = RequestFactory().get(path)
    request.user = user
    return menu_for(request)


def _urls(menu: list[NavItem]) -> set[str]:
    return {i.url for i in menu if i.url} | {c.url for i in menu for c in i.children}


@pytest.mark.parametrize("role", ["department", "lead_office", "enterprise"])
def test_every_staff_menu_fits_one_line_and_keeps_every_page(role: str) -> None:
    """At most FLAT_LIMIT top-level items; every page of the flat menu is still in it."""
    user = {
        "department": department_user,
        "lead_office": lambda: UserFactory(lead_office=True),
        "enterprise": lambda: UserFactory(enterprise=True),
    }[role]()
    request = RequestFactory().get("/")
    request.user = user
    every_page = {item.url for _entry, item in _visible(request)}
    menu = _menu(user)
    assert len(menu) <= FLAT_LIMIT
    assert _urls(menu) == every_page
    assert len(every_page) > FLAT_LIMIT or role == "enterprise"


def test_a_folded_group_is_active_when_one_of_its_pages_is_open() -> None:
    """On the policy catalogue the 公开信息 dropdown is marked active."""
    menu = _menu(department_user(), reverse("policies:catalogue"))
    group = next(i for i in menu if any(c.url == reverse("policies:catalogue") for c in i.children))
    assert group.active and str(group.label) == "公开信息"


def test_a_visitors_short_menu_stays_flat() -> None:
    """An anonymous visitor's five public pages are shown as they are."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert all(not item.children for item in menu_for(request))


def _log_in(username: str) -> str:
    response = Client().post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}
    )
    return str(response["Location"])


def test_staff_land_on_their_work_after_logging_in() -> None:
    """Department staff on the to-do page, the lead office on its console, enterprises on
    their own page; the home page sends a logged-in user to the same place."""
    department_user(username="liaison")
    UserFactory(username="lead", lead_office=True)
    UserFactory(username="firm", enterprise=True)
    assert _log_in("liaison") == reverse("web:todo")
    assert _log_in("lead") == reverse("plans:dashboard")
    assert _log_in("firm") == reverse("web:portal")
    client = Client()
    client.force_login(User.objects.get(username="liaison"))
    assert client.get(reverse("web:home"))["Location"] == reverse("web:todo")


def test_the_department_to_do_page_counts_its_work_with_links() -> None:
    """A returned report and an unanswered urging notice are counted and link to the work; the
    measures not yet reported this month are counted too."""
    with clock.frozen_at(TODAY):
        plan = import_plan(small_plan_csv(), code="jinshan-2026", year=2026)
        liaison = department_user("market-regulation")
        lead = UserFactory(lead_office=True)
        measure = plan.measures.get(seq=1)
        report = services.report_save(
            measure=measure,
            period=dt.date(2026, 11, 1),
            status=MeasureStatus.IN_PROGRESS,
            narrative="十一月进展",
            submit=True,
            acting_user=liaison,
        )
        services.report_return(
            report=report, comment="请补充", expected_version=report.lock_version, acting_user=lead
        )
        services.urging_issue(
            measure=measure,
            department=liaison.department,
            message="请说明进展",
            reply_due=dt.date(2026, 12, 14),
            acting_user=lead,
        )
        client = Client()
        client.force_login(liaison)
        page = client.get(reverse("web:todo")).content.decode()
        lead_client = Client()
        lead_client.force_login(lead)
        lead_page = lead_client.get(reverse("web:todo")).content.decode()
    mine = reverse("plans:my_measures")
    assert (
        f'href="{mine}"><span class="todo-count">1</span> <span class="todo-label">退回修改的报告'
        in page
    )
    assert '<span class="todo-count">1</span> <span class="todo-label">待答复的督办通知' in page
    assert '<span class="todo-label">本月尚未报送的举措' in page
    assert "待审核的进展报告" not in page
    assert "待审核的进展报告" in lead_page


def test_an_empty_to_do_page_says_nothing_is_waiting() -> None:
    """With no work the page says so and still links to the queues."""
    client = Client()
    client.force_login(department_user())
    page = client.get(reverse("web:todo")).content.decode()
    assert "暂无待办事项" in page
    assert reverse("registry:corrections") in page
