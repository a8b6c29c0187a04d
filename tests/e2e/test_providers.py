"""The service-provider alliance end to end in a browser (measure 68*): a law firm applies on
the public form, the 区经委 admits it, its contact sets a password through the link sent on
admission, an enterprise posts a need, the firm answers it, the enterprise rates the service,
and the directory and the office's figures show the rating."""

from __future__ import annotations

import random

import pytest

from jinqi.accounts.tests.factories import PASSWORD, UserFactory, department_user
from jinqi.notifications.models import Notification
from jinqi.providers.tests.factories import PDF
from jinqi.registry.tests.factories import enterprise
from jinqi.registry.uscc import generate_uscc

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRM = "上海金山示范机械有限公司"
LAW_FIRM = "上海金山公信律师事务所"


def test_provider_admitted_answers_a_need_and_is_rated(
    live_server, new_page, login, shot, tmp_path
):
    """Apply → admit → set password → need → answer → rating, photographed at each step."""
    firm = enterprise(name=FIRM)
    UserFactory(username="firm", enterprise=True, enterprise_uscc=firm.uscc)
    department_user("economy", username="economy")
    UserFactory(username="lead", lead_office=True)

    # 1. The law firm applies on the public form, with its licence.
    visitor = new_page()
    visitor.goto(f"{live_server.url}/providers/apply/")
    visitor.locator("input[name=name]").fill(LAW_FIRM)
    visitor.locator("input[name=uscc]").fill(generate_uscc(random.Random("e2e-law-firm")))
    visitor.locator("select[name=category]").select_option("law_firm")
    visitor.get_by_label("朱泾镇").check()
    visitor.locator("textarea[name=description]").fill("合同审查、劳动用工合规。")
    visitor.locator("input[name=contact_person]").fill("陈律师")
    visitor.locator("input[name=contact_phone]").fill("021-57300000")
    visitor.locator("input[name=contact_email]").fill("chen@gongxin.example")
    licence = tmp_path / "执业许可证.pdf"
    licence.write_bytes(PDF)
    visitor.locator("input[name=licence]").set_input_files(str(licence))
    shot(visitor, "providers-1-application")
    visitor.get_by_role("button", name="提交申请").click()
    assert "申请已收到" in visitor.locator("h1").inner_text()

    # 2. The 区经委 admits it.
    office = new_page()
    login(office, live_server, "economy", PASSWORD)
    office.goto(f"{live_server.url}/providers/office/")
    office.get_by_role("link", name=LAW_FIRM).click()
    shot(office, "providers-2-office-application")
    office.get_by_role("button", name="准予入盟").click()
    assert office.locator("[data-state]").inner_text() == "已入盟"

    # 3. Its contact sets a password through the link sent on admission, and logs in.
    notice = Notification.objects.get(kind="providers.admitted")
    lawyer = new_page()
    lawyer.goto(f"{live_server.url}{notice.link}")
    lawyer.locator("input[name=new_password1]").fill(PASSWORD)
    lawyer.locator("input[name=new_password2]").fill(PASSWORD)
    lawyer.locator("form.stacked button[type=submit]").click()
    login(lawyer, live_server, "chen@gongxin.example", PASSWORD)

    # 4. The enterprise posts a need to law firms in its town.
    owner = new_page()
    login(owner, live_server, "firm", PASSWORD)
    owner.goto(f"{live_server.url}/providers/needs/new/")
    owner.locator("select[name=category]").select_option("law_firm")
    owner.locator("select[name=town]").select_option(label="朱泾镇")
    owner.locator("textarea[name=text]").fill("新签劳动合同模板需要律师审核。")
    shot(owner, "providers-3-need")
    owner.get_by_role("button", name="发布需求").click()
    assert "待服务机构响应" in owner.locator("[data-state]").inner_text()

    # 5. The law firm finds it in its inbox and answers, taking it up.
    lawyer.goto(f"{live_server.url}/providers/inbox/")
    lawyer.get_by_role("link", name="新签劳动合同模板需要律师审核。").click()
    lawyer.locator("textarea[name=text]").fill("已审阅，修改意见如下：试用期条款需调整。")
    lawyer.get_by_role("button", name="答复并承接需求").click()
    assert lawyer.locator("[data-state]").inner_text() == "已答复"
    shot(lawyer, "providers-4-answered")

    # 6. The enterprise rates the service, once.
    owner.reload()
    owner.get_by_label("5", exact=True).check()
    owner.locator("textarea[name=comment]").fill("响应快，意见具体。")
    owner.get_by_role("button", name="评价", exact=True).click()
    assert owner.locator("[data-state]").inner_text() == "已评价"
    assert owner.get_by_role("button", name="评价", exact=True).count() == 0
    shot(owner, "providers-5-rated")

    # 7. The public directory and the office's figures show it.
    visitor.goto(f"{live_server.url}/providers/?category=law_firm")
    assert "5.0 / 5" in visitor.locator("table").inner_text()
    shot(visitor, "providers-6-directory")
    chief = new_page()
    login(chief, live_server, "lead", PASSWORD)
    chief.goto(f"{live_server.url}/providers/figures/")
    assert LAW_FIRM in chief.locator("table").inner_text()
    shot(chief, "providers-7-figures")
