"""The legal health check end to end in a browser (measures 50–51): the enterprise asks on its
page, 司法所 staff take it with the platform's answers prefilled and cited, fill in the checklist
with the enterprise, agree a rectification with a working-day deadline, issue the report (the PDF
downloaded and its text read), and close the check at the return visit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.core import clock
from jinqi.credit.tests.repair_builders import record
from jinqi.legalcheck.enums import Grade
from jinqi.legalcheck.models import ChecklistItem, LegalCheck
from jinqi.legalcheck.services import Answer, findings_save
from jinqi.registry.tests.factories import enterprise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山法治体检示范有限公司"


def test_check_report_rectification_return_visit(live_server, new_page, login, shot):
    """The whole path through the pages, with a photograph at each step."""
    with clock.frozen_at(dt.datetime(2026, 7, 1, 10)):
        firm = enterprise(name=FIRM)
        penalty = record(firm)  # general, fulfilled, repairable from 2026-06-11
        UserFactory(username="firm", enterprise=True, enterprise_uscc=firm.uscc)
        staff = department_user("justice", username="sifasuo")

        owner = new_page()
        login(owner, live_server, "firm", PASSWORD)
        owner.goto(f"{live_server.url}/legalcheck/mine/")
        owner.get_by_label("希望重点体检的方面（选填）").fill("劳动用工")
        shot(owner, "legalcheck-1-ask")
        owner.get_by_role("button", name="申请法治体检").click()
        assert "已提交区司法局" in owner.locator(".messages").inner_text()

        provider = new_page()
        login(provider, live_server, "sifasuo", PASSWORD)
        provider.goto(f"{live_server.url}/legalcheck/queue/")
        provider.get_by_role("link", name=FIRM).click()
        provider.get_by_role("button", name="受理").click()
        main = provider.locator("main").inner_text()
        assert penalty.decision_number in main and "平台预填" in main and "区市场监管局" in main
        shot(provider, "legalcheck-2-taken-prefilled")

        # Most items answered as the visit goes; the labour contract item through the page.
        check = LegalCheck.objects.get(enterprise=firm)
        labour = ChecklistItem.objects.get(section="labour", number=1)
        answered = set(check.findings.values_list("item_id", flat=True)) | {labour.pk}
        findings_save(
            check=check,
            answers={
                i.pk: Answer(Grade.GREEN, "经核查，未见风险。")
                for i in ChecklistItem.objects.active().exclude(pk__in=answered)
            },
            acting_user=staff,
        )
        provider.get_by_role("link", name="与企业逐项填写体检清单").click()
        card = provider.locator(f'[data-item="{labour.pk}"]')
        card.get_by_label("等级").select_option(Grade.RED)
        card.get_by_label("发现情况").fill("5名员工入职超过一个月未签书面劳动合同。")
        card.get_by_label("建议").fill("立即补签书面劳动合同。")
        shot(provider, "legalcheck-3-fill")
        provider.get_by_role("button", name="保存").click()
        provider.get_by_label("风险").select_option(label=labour.question)
        provider.get_by_label("整改内容").fill("与5名员工补签书面劳动合同")
        provider.get_by_label("整改期限（工作日）").fill("10")
        provider.get_by_role("button", name="添加项目").click()
        assert "2026-07-15" in provider.locator("main").inner_text()  # 10 working days
        provider.get_by_role("button", name="出具报告").click()
        assert "已出具报告，整改中" in provider.locator("[data-state]").first.inner_text()
        shot(provider, "legalcheck-4-reported")

        owner.goto(f"{live_server.url}/legalcheck/mine/")
        with owner.expect_download() as download_info:
            owner.get_by_role("link", name="下载报告（PDF）").click()
        pdf = download_info.value.path().read_bytes()
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        text = text.replace("\n", "")
        for expected in (
            FIRM,
            firm.uscc,
            "企业法治体检报告",
            "【红】是否自用工之日起一个月内订立书面劳动合同",
            "立即补签书面劳动合同",
            penalty.decision_number,
            "与5名员工补签书面劳动合同",
            "2026-07-15",
            "企业负责人（签字）",
            "不是国家标准",
        ):
            assert expected in text, expected
        shot(owner, "legalcheck-5-enterprise-list")

        # The return visit (on the same frozen day: a later clock would log the pages out).
        provider.reload()
        provider.get_by_label("结果").select_option("done")
        provider.get_by_label("回访情况").fill("回访：劳动合同已全部补签。")
        provider.get_by_role("button", name="记录回访并办结体检").click()
        assert "已回访办结" in provider.locator("[data-state]").first.inner_text()
        assert "回访：劳动合同已全部补签。" in provider.locator("main").inner_text()
        shot(provider, "legalcheck-6-closed")
