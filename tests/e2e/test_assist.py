"""An accompanied procedure (帮办/陪办, measures 10 and 66), end to end in a browser: an enterprise
books a time, the service centre assigns the official on duty, the official records the visit and
a blockage met, which becomes an improvement item that market regulation accepts and closes; the
lead office's statistics count it closed on time."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.assist.models import RotaEntry, ServiceWindow, Slot
from jinqi.core import clock
from jinqi.registry.tests.factories import enterprise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山帮办示范有限公司"


def test_booked_held_and_its_blockage_closed_by_the_department(live_server, new_page, login, shot):
    """The whole path through the pages, with a photograph at each step."""
    with clock.frozen_at(dt.datetime(2026, 7, 6, 8, 30)):  # a Monday
        firm = enterprise(name=FIRM)
        UserFactory(username="firm", enterprise=True, enterprise_uscc=firm.uscc)
        department_user("admin-service-center", username="centre")
        official = department_user("economy", username="official", full_name="王敏")
        department_user("market-regulation", username="market")
        UserFactory(username="lead", lead_office=True)
        window = ServiceWindow.objects.get(department__code="admin-service-center")
        slot = Slot.objects.create(
            window=window,
            day=dt.date(2026, 7, 7),
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            capacity=2,
        )
        RotaEntry.objects.create(window=window, weekday=1, official=official, title="带班领导")

        owner = new_page()
        login(owner, live_server, "firm", PASSWORD)
        owner.goto(f"{live_server.url}/assist/")
        owner.get_by_role("link", name="预约帮办陪办").click()
        owner.get_by_label("办事事项").select_option(label="企业设立登记")
        owner.get_by_label("服务窗口和时段").select_option(str(slot.pk))
        owner.get_by_label("需要帮办的内容").fill("第一次办理设立登记，希望有人指导材料。")
        shot(owner, "assist-1-booking-form")
        owner.get_by_role("button", name="预约", exact=True).click()
        assert "预约成功" in owner.locator(".messages").inner_text()
        assert owner.locator("[data-state]").inner_text() == "已预约"
        shot(owner, "assist-2-booked")

        centre = new_page()
        login(centre, live_server, "centre", PASSWORD)
        centre.goto(f"{live_server.url}/assist/work/")
        centre.locator("[data-booking] a").first.click()
        assert "当日值班" in centre.get_by_label("陪办人员").inner_text()
        centre.get_by_role("button", name="指派", exact=True).click()
        assert centre.locator("[data-official]").inner_text() == "王敏"
        shot(centre, "assist-3-assigned")

        visit = new_page()
        login(visit, live_server, "official", PASSWORD)
        visit.goto(f"{live_server.url}/assist/work/?mine=1")
        visit.locator("[data-booking] a").first.click()
        visit.get_by_label("现场办理情况").fill("陪同企业在综合窗口完成设立登记受理。")
        visit.get_by_role("button", name="登记办理情况").click()
        assert visit.locator("[data-state]").inner_text() == "已办理"
        visit.locator('select[name="kind"]').select_option("block")
        visit.locator('textarea[name="description"]').fill("网上申报与窗口要求的材料清单不一致。")
        shot(visit, "assist-4-visit-recorded")
        visit.get_by_role("button", name="交责任部门整改").click()
        assert "区市场监管局" in visit.locator(".messages").inner_text()

        market = new_page()
        login(market, live_server, "market", PASSWORD)
        market.goto(f"{live_server.url}/assist/items/")
        market.locator("[data-item] a").first.click()
        market.locator('[data-action="accept"] button').click()
        market.get_by_label("整改情况").fill("已统一网上与窗口的材料清单。")
        market.locator('[data-action="close"] button').click()
        assert market.locator("[data-state]").inner_text() == "已办结"
        shot(market, "assist-5-item-closed")

        lead = new_page()
        login(lead, live_server, "lead", PASSWORD)
        lead.goto(f"{live_server.url}/assist/statistics/")
        assert "100.0%" in lead.locator('[data-figure="on_time"]').inner_text()
        shot(lead, "assist-6-statistics")
