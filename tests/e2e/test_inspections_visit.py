"""A joint inspection end to end in a browser (measures 48–49): two departments draw the same
chemical firm, the lead office merges their tasks into one visit, the firm checks the inspection
code on the public page, the departments record results, the firm reports the rectification, the
department re-checks it, the visit is closed and the firm rates it."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.inspections import services
from jinqi.inspections.models import Finding, SectorRule, Visit
from jinqi.registry.tests.factories import enterprise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山联检示范化工有限公司"
MONDAY = dt.datetime(2026, 11, 2, 9)
VISIT_DAY = dt.datetime(2026, 11, 13, 10)  # the safety task's last working day


def _department_ready(code: str, items: list[tuple[str, str, str]], inspector: tuple[str, str]):
    """A department user with published items, a filed yearly plan and one certified inspector."""
    staff = department_user(code, username=f"staff-{code}")
    published = [
        services.item_publish(
            item=services.item_save(
                data=services.ItemIn(item_code, name, basis, "现场检查", "符合规定"),
                acting_user=staff,
            ),
            acting_user=staff,
        )
        for item_code, name, basis in items
    ]
    plan = services.plan_receive(
        data=services.PlanIn(
            2026,
            "planned",
            f"{staff.department.name}2026年度双随机抽查计划",
            item_ids=[i.pk for i in published],
        ),
        acting_user=staff,
    )
    services.inspector_add(
        data=services.InspectorIn(
            inspector[0], inspector[1], dt.date(2024, 1, 1), dt.date(2028, 12, 31)
        ),
        acting_user=staff,
    )
    return staff, plan


def test_draw_merge_verify_findings_rectification_recheck_rating(logged_in, live_server, shot):
    """The whole path of a joint visit through the pages, with a photograph at each step."""
    with clock.frozen_at(MONDAY):
        firm = enterprise(name=FIRM)
        owner = UserFactory(username="firm", enterprise=True, enterprise_uscc=firm.uscc)
        lead = UserFactory(username="lead", lead_office=True, full_name="牵头办 李督办")
        safety, safety_plan = _department_ready(
            "emergency-management",
            [
                ("YJ-001", "安全生产责任制落实", "《中华人民共和国安全生产法》第二十二条"),
                ("YJ-002", "危险化学品储存", "《危险化学品安全管理条例》第二十四条"),
            ],
            ("王安全", "31011600001"),
        )
        ecology, ecology_plan = _department_ready(
            "ecology-environment",
            [("HB-001", "排污许可执行", "《排污许可管理条例》第十七条")],
            ("钱环保", "31011600101"),
        )
        SectorRule.objects.create(
            industry_prefix="C26", lead_department=safety.department, yearly_cap=3
        )
        for staff, plan, end in (
            (safety, safety_plan, dt.date(2026, 11, 13)),
            (ecology, ecology_plan, dt.date(2026, 11, 20)),
        ):
            draw = services.draw_make(
                data=services.DrawIn(
                    plan, dt.date(2026, 11, 2), end, "C2614", per_enterprise=1, seed=2026
                ),
                acting_user=staff,
            )
            assert [row["uscc"] for row in draw.result] == [firm.uscc]

        office = logged_in(lead)
        office.goto(f"{live_server.url}/inspections/visits/")
        office.get_by_role("button", name="合并待检查任务").click()
        assert "2 个任务合并为 1 次检查，减少 1 次" in office.locator(".messages").inner_text()
        row = office.locator("tbody tr").first
        assert "联合检查" in row.inner_text() and "区应急管理局" in row.inner_text()
        shot(office, "inspections-1-merged-visit")
        code = Visit.objects.get().short_code

        phone = logged_in(None, "phone")
        phone.goto(f"{live_server.url}/verify/")
        phone.get_by_label("验证码").fill(f"{code[:5].lower()} {code[5:]}")
        phone.get_by_role("button", name="验证").click()
        phone.locator('[data-status="valid"]').wait_for()
        text = phone.locator("main").inner_text()
        for expected in (
            "涉企行政检查码",
            FIRM,
            "王安全",
            "31011600001",
            "钱环保",
            "2028-12-31",
            "《排污许可管理条例》第十七条",
            "2026-11-13",
            "综合查一次",
        ):
            assert expected in text, expected
        shot(phone, "inspections-2-code-verified-by-the-firm")

    with clock.frozen_at(VISIT_DAY):
        department = logged_in(safety)
        visit = Visit.objects.get()
        department.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
        items = {f.code: f.pk for f in safety_plan.items.all()}
        department.locator(f"select[name=result_{items['YJ-001']}]").select_option("compliant")
        department.locator(f"select[name=result_{items['YJ-002']}]").select_option("non_compliant")
        department.locator(f"[name=note_{items['YJ-002']}]").fill("危化品仓库未设置防爆灯具")
        department.locator(f"input[name=days_{items['YJ-002']}]").fill("10")
        shot(department, "inspections-3-findings-form")
        department.get_by_role("button", name="登记检查结果").click()
        assert "已登记 2 个结果" in department.locator(".messages").inner_text()

        firm_page = logged_in(owner)
        firm_page.goto(f"{live_server.url}/inspections/visits/mine/")
        ledger = firm_page.locator(f'[data-ledger-visit="{code}"]')
        for expected in (
            "区应急管理局",
            "王安全",
            "危化品仓库未设置防爆灯具",
            "期限 2026-11-27",
            "待整改",
        ):
            assert expected in ledger.inner_text(), expected
        shot(firm_page, "inspections-4-ledger-with-rectification-due")
        firm_page.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
        shot(firm_page, "inspections-4b-firm-visit-page")
        firm_page.get_by_label("备注").fill("已更换为防爆灯具并完成验收")
        firm_page.get_by_role("button", name="报告整改完成").click()
        assert firm_page.locator('[data-rectification="reported"]').count() == 1

        department.reload()
        department.get_by_label("备注").fill("现场复查，已整改到位")
        department.get_by_role("button", name="复查通过").click()
        assert department.locator('[data-rectification="passed"]').count() == 1

        other = logged_in(ecology)
        other.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
        assert "危化品仓库未设置防爆灯具" in other.locator("main").inner_text()  # 结果互认
        hb = ecology_plan.items.get(code="HB-001")
        other.locator(f"select[name=result_{hb.pk}]").select_option("compliant")
        other.get_by_role("button", name="登记检查结果").click()

        department.reload()
        department.get_by_role("button", name="办结检查").click()
        assert department.locator('[data-state="done"]').count() == 1
        shot(department, "inspections-5-visit-closed-after-recheck")

        firm_page.reload()
        firm_page.get_by_text("5", exact=True).first.check()
        firm_page.get_by_role("button", name="提交评价").click()
        assert "感谢评价" in firm_page.locator(".messages").inner_text()
        firm_page.goto(f"{live_server.url}/inspections/visits/mine/")
        assert "您的评价：5 分" in firm_page.locator("main").inner_text()
        shot(firm_page, "inspections-6-ledger-rated")
    assert Finding.objects.count() == 3
