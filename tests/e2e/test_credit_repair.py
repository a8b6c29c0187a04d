"""Credit repair and the verifiable credit report, end to end in a browser: a record arrives, the
enterprise sees its repair day and applies, the department accepts and approves, the record shows
已修复, the enterprise issues a report, the verification page shows it, a new record revokes it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.core import clock
from jinqi.credit.services import RecordIn, credit_record_deliver
from jinqi.credit.tests.repair_builders import PDF
from jinqi.registry.tests.factories import enterprise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山信用修复示范有限公司"


def penalty(number: str, decided: dt.date, *, fulfilled: bool = True) -> RecordIn:
    return RecordIn(
        kind="penalty",
        severity="general",
        domain="market",
        decision_number=number,
        decided_on=decided,
        summary="未按规定公示年度报告，罚款二千元。",
        legal_basis="《企业信息公示暂行条例》第十八条",
        fulfilled_on=decided + dt.timedelta(days=22) if fulfilled else None,
    )


def test_record_repaired_then_report_issued_and_revoked(
    live_server, new_page, login, shot, tmp_path
):
    """The whole path of measures 45 and 46 through the pages, with a photograph at each step."""
    with clock.frozen_at(dt.datetime(2026, 7, 1, 10)):
        firm = enterprise(name=FIRM)
        UserFactory(username="firm", enterprise=True, enterprise_uscc=firm.uscc)
        staff = department_user("market-regulation", username="market")
        credit_record_deliver(
            uscc=firm.uscc,
            data=penalty("金市监处〔2026〕18号", dt.date(2026, 3, 10)),
            acting_user=staff,
        )

        owner = new_page()
        login(owner, live_server, "firm", PASSWORD)
        owner.goto(f"{live_server.url}/credit/mine/")
        card = owner.locator('[data-record="金市监处〔2026〕18号"]')
        assert card.locator("[data-earliest-repair]").inner_text() == "2026-06-11"
        shot(owner, "credit-1-record-with-repair-day")

        card.get_by_role("link", name="申请信用修复").click()
        owner.get_by_label("整改情况").fill("已缴纳罚款并补报 2025 年度报告。")
        commitment = tmp_path / "信用承诺书.pdf"
        commitment.write_bytes(PDF)
        owner.get_by_label("信用承诺书").set_input_files(str(commitment))
        shot(owner, "credit-2-repair-application")
        owner.get_by_role("button", name="提交申请").click()
        assert "部门将于 2026-07-06 前决定是否受理" in owner.locator(".messages").inner_text()

        department = new_page()
        login(department, live_server, "market", PASSWORD)
        department.goto(f"{live_server.url}/credit/repairs/")
        assert FIRM in department.locator("table").inner_text()
        shot(department, "credit-3-department-queue")
        department.get_by_role("link", name=FIRM).click()
        department.get_by_role("button", name="受理", exact=True).click()
        assert "2026-07-15" in department.locator("main").inner_text()  # 10 working days
        department.get_by_label("理由或决定意见").fill("整改到位，准予修复。")
        department.get_by_role("button", name="准予修复", exact=True).click()
        assert department.locator("[data-state]").inner_text() == "准予修复"
        shot(department, "credit-4-approved")

        owner.goto(f"{live_server.url}/credit/mine/")
        assert "已修复" in card.inner_text()
        owner.get_by_label("市场监管").check()
        owner.get_by_role("button", name="出具报告").click()
        owner.locator('[data-status="valid"]').wait_for()
        page_text = owner.locator("main").inner_text()
        for expected in (FIRM, firm.uscc, "金市监处〔2026〕18号", "已修复", "不是上海市"):
            assert expected in page_text, expected
        shot(owner, "credit-5-report-verified")

        href = owner.get_by_role("link", name="打开 PDF 文件").get_attribute("href")
        pdf = owner.request.get(f"{live_server.url}{href}")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
        assert FIRM in text and firm.uscc in text and "已修复" in text

        verify_url = owner.url
        credit_record_deliver(
            uscc=firm.uscc,
            data=penalty("金市监处〔2026〕31号", dt.date(2026, 6, 20), fulfilled=False),
            acting_user=staff,
        )
        public = new_page("phone")
        public.goto(verify_url)
        public.locator('[data-status="revoked"]').wait_for()
        shot(public, "credit-6-report-revoked")
