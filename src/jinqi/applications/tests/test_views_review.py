"""The department's workbench and the public notice through their pages: the queue and its
export, every review action (with stale forms), batch actions, scoping, the form editor and
what a public notice shows and takes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jinqi.accounts.models import Department, User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application, ApplicationForm, Objection
from jinqi.applications.services import (
    application_accept,
    application_review_pass,
    applications_publicise,
    objection_raise,
)
from jinqi.applications.tests.factories import (
    applicant,
    applicant_enterprise,
    applying_policy,
    definition,
    staff,
    submitted,
)
from jinqi.core import clock
from jinqi.policies.models import Policy

pytestmark = pytest.mark.django_db

LEGAL_REPRESENTATIVE = "欧阳明远"
PHONE = "13987654321"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def followed_messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def owner() -> User:
    return staff()


@pytest.fixture
def item(owner: User) -> Policy:
    return applying_policy(owner, grant_amount="20")


def new_application(item: Policy, name: str = "上海金山智造科技有限公司") -> Application:
    company = applicant_enterprise(
        120, name=name, legal_representative=LEGAL_REPRESENTATIVE, contact_phone=PHONE
    )
    return submitted(item, applicant(company))


def accepted(application: Application, owner: User) -> Application:
    return application_accept(
        application=application, lock_version=application.lock_version, acting_user=owner
    )


def approved(application: Application, owner: User, lead: User) -> Application:
    application = accepted(application, owner)
    application = application_review_pass(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    return application_review_pass(
        application=application, lock_version=application.lock_version, acting_user=lead
    )


def act(client: Client, application: Application, action: str, **data: Any) -> Any:
    data.setdefault("lock_version", application.lock_version)
    return client.post(
        reverse("applications:act", args=[application.reference]),
        {"action": action, **data},
        follow=True,
    )


# -- the queue --------------------------------------------------------------------------------


def test_queue_filters_by_state_policy_and_text(item: Policy, owner: User) -> None:
    """The queue narrows by state, policy and a search on name, credit code or reference."""
    first = new_application(item, "上海金山甲科技有限公司")
    second = accepted(new_application(item, "上海金山乙材料有限公司"), owner)
    client = client_for(owner)
    url = reverse("applications:queue")

    def shown(**params: str) -> set[str]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {row.application.reference for row in response.context["rows"]}

    assert shown() == {first.reference, second.reference}
    assert shown(state=S.SUBMITTED) == {first.reference}
    assert shown(q="乙材料") == {second.reference}
    assert shown(q=first.enterprise.uscc) == {first.reference}
    assert shown(q=second.reference.lower()) == {second.reference}
    assert shown(policy=item.code) == {first.reference, second.reference}
    assert shown(overdue="on") == set()


def test_overdue_applications_are_highlighted(item: Policy, owner: User) -> None:
    """Past its deadline an application's row is marked overdue, with the working days late."""
    application = new_application(item)
    client = client_for(owner)
    page = client.get(reverse("applications:queue")).content.decode()
    assert 'class="overdue"' not in page and "data-overdue" not in page
    clock.advance(dt.timedelta(days=14))
    client = client_for(owner)  # a fortnight later: a new session
    response = client.get(reverse("applications:queue"), {"overdue": "on"})
    [row] = response.context["rows"]
    assert row.application == application and row.overdue and row.late > 0
    page = response.content.decode()
    assert 'class="overdue"' in page
    assert f"已逾期 {row.late} 个工作日" in page


def test_empty_queue_says_so(owner: User) -> None:
    response = client_for(owner).get(reverse("applications:queue"))
    assert "没有符合条件的申报" in response.content.decode()


def test_queue_exports_the_filtered_list_as_xlsx(item: Policy, owner: User) -> None:
    """The export keeps the filters, has Chinese headers and no personal data."""
    kept = new_application(item, "上海金山导出科技有限公司")
    new_application(item, "上海金山其他有限公司")
    response = client_for(owner).get(reverse("applications:queue_xlsx"), {"q": "导出"})
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[0][:4] == ("申报编号", "企业", "统一社会信用代码", "政策")
    assert len(rows) == 2
    assert rows[1][:3] == (kept.reference, kept.enterprise.name, kept.enterprise.uscc)
    assert rows[1][4] == "已提交，待受理"
    values = " ".join(str(v) for row in rows for v in row)
    assert LEGAL_REPRESENTATIVE not in values and PHONE not in values


# -- one application ------------------------------------------------------------------------


def test_review_page_shows_answers_sources_materials_and_actions(item: Policy, owner: User) -> None:
    """The page shows answers, the registry's values with their source, both kinds of material,
    the history and only the actions allowed now."""
    application = new_application(item)
    response = client_for(owner).get(
        reverse("applications:review_detail", args=[application.reference])
    )
    page = response.content.decode()
    assert "智能产线改造" in page and "350.5" in page
    assert "政府已掌握" in page  # the prefilled employees, with its source
    attachment = application.attachments.get()
    assert reverse("core:file_download", args=[attachment.file.uuid]) in page
    assert "计划书.pdf" in page
    holder = Department.objects.get(code="tax-jinshan").name
    assert f"从{holder}获取（零材料）" in page
    assert response.context["allowed"] == {"return", "accept", "reject"}
    assert f'name="lock_version" value="{application.lock_version}"' in page


@pytest.mark.parametrize(
    ("action", "data", "state"),
    [
        ("return", {"comment": "请补充预算表"}, S.RETURNED),
        ("accept", {}, S.IN_REVIEW),
        ("reject", {"comment": "不属于支持范围"}, S.REJECTED),
    ],
)
def test_department_acts_on_a_submitted_application(
    action: str, data: dict[str, str], state: str, item: Policy, owner: User
) -> None:
    application = new_application(item)
    response = act(client_for(owner), application, action, **data)
    application.refresh_from_db()
    assert application.state == state
    assert response.redirect_chain[-1][0].endswith(application.reference + "/")
    if data:
        assert application.transitions.filter(comment=data["comment"]).exists()


def test_return_and_reject_need_a_comment(item: Policy, owner: User) -> None:
    application = new_application(item)
    for action in ("return", "reject"):
        response = act(client_for(owner), application, action, comment="  ")
        assert "请填写理由" in followed_messages(response)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_stale_form_is_refused_with_the_conflict_message(item: Policy, owner: User) -> None:
    """Two reviewers at once: the second, posting the version it saw, changes nothing."""
    application = new_application(item)
    seen = application.lock_version
    accepted(application, owner)
    response = act(client_for(owner), application, "reject", comment="迟到", lock_version=seen)
    assert "他人已先办理" in followed_messages(response)
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW
    assert not application.transitions.filter(to_state=S.REJECTED).exists()


def test_pass_then_approve_with_the_amount_then_disburse(item: Policy, owner: User) -> None:
    """Department passes its step, the lead office approves with an amount, the department
    publishes and records the payment once the notice ended."""
    lead = UserFactory(lead_office=True)
    application = accepted(new_application(item), owner)
    act(client_for(owner), application, "pass", comment="材料齐全")
    application.refresh_from_db()
    assert (application.state, application.step) == (S.IN_REVIEW, 1)
    page = client_for(lead).get(reverse("applications:review_detail", args=[application.reference]))
    assert page.context["last_step"] and 'value="20.00"' in page.content.decode()
    act(client_for(lead), application, "pass", approved_amount="18.5")
    application.refresh_from_db()
    assert application.state == S.APPROVED and application.approved_amount == Decimal("18.5")

    applications_publicise(policy=item, applications=[application], acting_user=owner)
    application.refresh_from_db()
    early = act(client_for(owner), application, "disburse", amount="18.5", paid_on="2020-01-01")
    assert "公示期至" in followed_messages(early)
    clock.advance(dt.timedelta(days=20))  # clients made after this log in anew
    application.refresh_from_db()
    page = client_for(owner).get(
        reverse("applications:review_detail", args=[application.reference])
    )
    assert "disburse" in page.context["allowed"]
    act(
        client_for(owner),
        application,
        "disburse",
        amount="18.5",
        paid_on=clock.today().isoformat(),
    )
    application.refresh_from_db()
    assert application.state == S.DISBURSED and application.paid_amount == Decimal("18.5")


def test_lead_office_acts_only_on_its_own_steps(item: Policy, owner: User) -> None:
    """At the department's step the lead office sees no action and is refused; at its own step
    it can act and the department cannot."""
    lead = UserFactory(lead_office=True)
    application = accepted(new_application(item), owner)
    url = reverse("applications:review_detail", args=[application.reference])
    assert client_for(lead).get(url).context["allowed"] == set()
    response = act(client_for(lead), application, "pass")
    assert "只有政策主管部门才能进行此操作" in followed_messages(response)
    application.refresh_from_db()
    assert application.step == 0

    application = application_review_pass(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    assert client_for(owner).get(url).context["allowed"] == set()
    act(client_for(owner), application, "pass")
    application.refresh_from_db()
    assert (application.state, application.step) == (S.IN_REVIEW, 1)
    assert client_for(lead).get(url).context["allowed"] == {"pass", "reject"}
    act(client_for(lead), application, "pass")
    application.refresh_from_db()
    assert application.state == S.APPROVED


# -- batch actions ---------------------------------------------------------------------------


def test_batch_accept_reports_successes_and_skips_a_stale_row(item: Policy, owner: User) -> None:
    fresh = new_application(item, "上海金山一号有限公司")
    stale = new_application(item, "上海金山二号有限公司")
    seen = stale.lock_version
    accepted(stale, owner)
    response = client_for(owner).post(
        reverse("applications:batch_action"),
        {
            "action": "accept",
            "selected": [f"{fresh.reference}:{fresh.lock_version}", f"{stale.reference}:{seen}"],
        },
        follow=True,
    )
    said = followed_messages(response)
    assert "1 件已办理" in said
    assert f"{stale.reference}：" in said or f"{stale.reference}:" in said
    assert "他人已先办理" in said
    fresh.refresh_from_db()
    assert fresh.state == S.IN_REVIEW
    assert stale.transitions.filter(to_state=S.IN_REVIEW).count() == 1


def test_batch_publish_makes_one_notice_per_policy(item: Policy, owner: User) -> None:
    lead = UserFactory(lead_office=True)
    one = approved(new_application(item, "上海金山一号有限公司"), owner, lead)
    two = approved(new_application(item, "上海金山二号有限公司"), owner, lead)
    waiting = new_application(item, "上海金山三号有限公司")
    response = client_for(owner).post(
        reverse("applications:batch_action"),
        {
            "action": "publicise",
            "selected": [f"{a.reference}:{a.lock_version}" for a in (one, two, waiting)],
        },
        follow=True,
    )
    said = followed_messages(response)
    assert "2 件已办理" in said and waiting.reference in said
    assert item.publicity_batches.count() == 1
    assert set(item.publicity_batches.get().applications.all()) == {one, two}


# -- scoping ---------------------------------------------------------------------------------


def test_another_department_gets_404(item: Policy, owner: User) -> None:
    lead = UserFactory(lead_office=True)
    application = approved(new_application(item), owner, lead)
    batch = applications_publicise(policy=item, applications=[application], acting_user=owner)
    objection = objection_raise(batch=batch, text="有疑问", contact="13800001111")
    other = client_for(staff("finance"))
    assert (
        other.get(reverse("applications:review_detail", args=[application.reference])).status_code
        == 404
    )
    assert (
        other.post(
            reverse("applications:act", args=[application.reference]),
            {"action": "reject", "comment": "越权", "lock_version": application.lock_version},
        ).status_code
        == 404
    )
    assert other.get(reverse("applications:batch_manage", args=[batch.pk])).status_code == 404
    assert other.get(reverse("applications:form_edit", args=[item.code])).status_code == 404
    assert (
        other.post(
            reverse("applications:objection_answer", args=[objection.pk]), {"answer": "越权"}
        ).status_code
        == 404
    )
    assert other.get(reverse("applications:queue")).context["rows"] == []
    application.refresh_from_db()
    assert application.state == S.PUBLICITY


def test_enterprise_users_are_refused_the_workbench(item: Policy) -> None:
    application = new_application(item)
    client = client_for(application.applicant)
    for url in (
        reverse("applications:queue"),
        reverse("applications:queue_xlsx"),
        reverse("applications:review_detail", args=[application.reference]),
        reverse("applications:forms"),
        reverse("applications:form_edit", args=[item.code]),
    ):
        assert client.get(url).status_code == 403, url


# -- the form editor -------------------------------------------------------------------------


def editor_post(client: Client, code: str, **changes: str) -> Any:
    """What the editor posts back untouched (pre-filled from the current version), plus
    `changes`."""
    url = reverse("applications:form_edit", args=[code])
    page = client.get(url)
    data: dict[str, Any] = {}
    for prefix in ("settings", "fields", "materials", "steps"):
        part = getattr(page.context["editor"], prefix)
        forms = [part] if prefix == "settings" else [part.management_form, *part.forms]
        for form in forms:
            for name, field in form.fields.items():
                value = form[name].value()
                if isinstance(value, bool) or field.__class__.__name__ == "BooleanField":
                    if value:
                        data[form.add_prefix(name)] = "on"
                elif value is not None:
                    data[form.add_prefix(name)] = value
    data.update(changes)
    return client.post(url, data, follow=True)


def test_form_editor_saves_a_new_version(item: Policy, owner: User) -> None:
    """Adding a field through the formset saves version 2 with it; the rest is kept."""
    client = client_for(owner)
    page = client.get(reverse("applications:form_edit", args=[item.code]))
    assert page.status_code == 200
    n = len(definition().fields)
    response = editor_post(
        client,
        item.code,
        **{
            f"fields-{n}-key": "patents",
            f"fields-{n}-label": "专利数",
            f"fields-{n}-kind": "integer",
            f"fields-{n}-required": "on",
            f"fields-{n}-minimum": "0",
            f"fields-{n}-show_when_field": "has_export",
            f"fields-{n}-show_when_value": "是",
            "settings-note": "增加专利数",
        },
    )
    assert "已保存为第 2 版" in followed_messages(response)
    form = ApplicationForm.objects.get(policy=item, number=2)
    fields = form.definition.fields
    assert [f.key for f in fields] == [*(f.key for f in definition().fields), "patents"]
    assert fields[-1].show_when is not None and fields[-1].show_when.equals is True
    assert fields[1].prefill == "employees"
    assert form.definition.materials == definition().materials
    assert form.definition.steps == definition().steps
    assert form.note == "增加专利数"


def test_form_editor_refuses_a_bad_definition(item: Policy, owner: User) -> None:
    """A field depending on a later one is refused with the problem shown; no version saved."""
    response = editor_post(
        client_for(owner),
        item.code,
        **{"fields-0-show_when_field": "note", "fields-0-show_when_value": "x"},
    )
    assert response.status_code == 200
    assert "须为排在前面的字段" in response.content.decode()
    assert ApplicationForm.objects.filter(policy=item).count() == 1


# -- the public notice -----------------------------------------------------------------------


@pytest.fixture
def notice(item: Policy, owner: User) -> Any:
    lead = UserFactory(lead_office=True)
    application = approved(new_application(item), owner, lead)
    return applications_publicise(policy=item, applications=[application], acting_user=owner)


def test_public_notice_shows_names_and_amounts_and_no_personal_data(notice: Any) -> None:
    client = Client()
    listing = client.get(reverse("applications:publicity")).content.decode()
    assert notice.policy.title in listing and "公示中" in listing
    page = client.get(
        reverse("applications:batch", args=[notice.policy.code, notice.number])
    ).content.decode()
    assert "上海金山智造科技有限公司" in page and '<td class="amount">20</td>' in page
    assert LEGAL_REPRESENTATIVE not in page and PHONE not in page
    download = client.get(
        reverse("applications:batch", args=[notice.policy.code, notice.number]),
        {"format": "xlsx"},
    )
    rows = sheet_rows(download.content)
    assert rows[1][0] == "上海金山智造科技有限公司"


def test_objection_is_taken_while_the_notice_runs_and_refused_after(notice: Any) -> None:
    url = reverse("applications:objection", args=[notice.policy.code, notice.number])
    response = Client().post(
        url, {"text": "该企业不在本区经营", "contact": "13700001234"}, follow=True
    )
    assert "异议已提交" in followed_messages(response)
    assert Objection.objects.count() == 1
    clock.advance(dt.timedelta(days=30))
    response = Client().post(url, {"text": "迟到的异议", "contact": "13700001234"}, follow=True)
    assert "公示期已结束" in followed_messages(response)
    assert Objection.objects.count() == 1
    assert "data-objection-closed" in response.content.decode()


def test_objection_text_is_rendered_inert_and_its_contact_masked(notice: Any, owner: User) -> None:
    """Objection text is escaped on the department's page and the contact is masked."""
    Client().post(
        reverse("applications:objection", args=[notice.policy.code, notice.number]),
        {"text": "<script>alert(1)</script>", "contact": "13700001234"},
    )
    page = client_for(owner).get(reverse("applications:batch_manage", args=[notice.pk]))
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "137****1234" in html and "13700001234" not in html


def test_department_answers_an_objection(notice: Any, owner: User) -> None:
    objection = objection_raise(batch=notice, text="有疑问", contact="someone@example.com")
    response = client_for(owner).post(
        reverse("applications:objection_answer", args=[objection.pk]),
        {"answer": "经核实符合条件"},
        follow=True,
    )
    objection.refresh_from_db()
    assert objection.answer == "经核实符合条件"
    assert "经核实符合条件" in response.content.decode()
