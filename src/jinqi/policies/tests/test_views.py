"""The policy pages: public catalogue and award lists, "policies for me" with its reasons, the
department's drafting with the rule test panel, publishing, the matched list and auto-grants."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.notifications.models import Notification
from jinqi.policies import services
from jinqi.policies.enums import Delivery, GrantState, Outcome, PolicyState
from jinqi.policies.models import Grant, Match, Policy
from jinqi.policies.services import PolicyData
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise, facts

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
RULE = "employees <= 300 AND tech_staff >= 10"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _policy(
    department: str = "science",
    *,
    code: str = "test-tech",
    sql: str = RULE,
    publish: bool = True,
    **data: Any,
) -> Policy:
    staff = department_user(department)
    values: dict[str, Any] = {
        "code": code,
        "title": f"测试政策 {code}",
        "document_number": "金科委〔2026〕7号",
        "valid_from": dt.date(2026, 1, 1),
        "summary": "测试用政策。",
        "benefit": "一次性奖励 5 万元。",
        "delivery": Delivery.PUSH,
        **data,
    }
    assert staff.department is not None
    policy = services.policy_create(
        data=PolicyData(**values), sql=sql, department=staff.department, acting_user=staff
    )
    if publish:
        services.policy_publish(policy=policy, acting_user=staff)
    return policy


@pytest.fixture
def firms() -> dict[str, Enterprise]:
    """Three enterprises: one meeting RULE, one without technical-staff data, one too big."""
    fit = enterprise(name="金山合格科技有限公司")
    facts(fit, "human-resources", AS_OF, employees_2025=120)
    facts(fit, "science", AS_OF, tech_staff_2025=30)
    unknown = enterprise(name="金山缺数据科技有限公司")
    facts(unknown, "human-resources", AS_OF, employees_2025=80)
    big = enterprise(name="金山大型制造有限公司")
    facts(big, "human-resources", AS_OF, employees_2025=900)
    facts(big, "science", AS_OF, tech_staff_2025=40)
    return {"fit": fit, "unknown": unknown, "big": big}


def _owner(firm: Enterprise) -> User:
    return UserFactory(enterprise=True, enterprise_uscc=firm.uscc)


# -- the public pages --------------------------------------------------------------------------


def test_catalogue_lists_published_policies_with_filters_and_an_empty_state() -> None:
    """Published policies are listed (not drafts); the department filter narrows the list and
    a filter matching nothing says so."""
    _policy(code="test-draft", publish=False)
    client = Client()
    page = client.get(reverse("policies:catalogue")).content.decode()
    assert "科技型中小企业评价" in page and "小型微利企业" in page
    assert "test-draft" not in page
    science = client.get(reverse("policies:catalogue") + "?department=science").content.decode()
    assert "科技型中小企业评价" in science and "小型微利企业" not in science
    empty = client.get(
        reverse("policies:catalogue") + "?department=science&delivery=auto_grant"
    ).content.decode()
    assert "没有符合筛选条件的已发布政策" in empty


def test_catalogue_ignores_a_bad_filter_value() -> None:
    """An unknown delivery value is not an error page: the filter is dropped."""
    response = Client().get(reverse("policies:catalogue") + "?delivery=bogus&page=99")
    assert response.status_code == 200


def test_detail_shows_citation_and_the_rule_with_labels() -> None:
    """The public page shows the document number, the simplifications and each condition with
    the fields' Chinese labels (derived fields included)."""
    page = Client().get(reverse("policies:detail", args=["tech-sme"])).content.decode()
    assert "国科发政〔2017〕115号" in page
    assert "平台判断的范围" in page
    assert "职工人数（年平均）" in page or "从业人数" in page
    assert "科技人员占职工总数的比例 ≥ 0.1" in page
    assert "tech_staff_ratio &gt;= 0.1" in page or "tech_staff_ratio >= 0.1" in page


def test_a_draft_has_no_public_page() -> None:
    """A draft is a 404 on the public site."""
    _policy(code="test-draft", publish=False)
    assert Client().get(reverse("policies:detail", args=["test-draft"])).status_code == 404


# -- policies for me -----------------------------------------------------------------------------


def test_policies_for_me_explains_each_outcome(firms: dict[str, Enterprise]) -> None:
    """Eligible, possibly eligible with the missing data and who holds it, and not eligible
    with the failed condition and the enterprise's own value."""
    _policy()
    fit = _client(_owner(firms["fit"])).get(reverse("policies:mine")).content.decode()
    assert "测试政策 test-tech" in fit.split('id="eligible"')[1].split('id="unknown"')[0]

    unknown = _client(_owner(firms["unknown"])).get(reverse("policies:mine")).content.decode()
    section = unknown.split('id="unknown"')[1].split('id="not-eligible"')[0]
    assert "测试政策 test-tech" in section
    assert "科技人员" in section and "数据提供单位：区科委" in section

    big = _client(_owner(firms["big"])).get(reverse("policies:mine")).content.decode()
    section = big.split('id="not-eligible"')[1]
    assert "测试政策 test-tech" in section
    assert "不满足" in section and "900 人" in section


def test_a_value_read_names_its_year_and_its_source(firms: dict[str, Enterprise]) -> None:
    """The enterprise reads each value a condition used with its year and who supplied it, in
    Chinese, and no rule operator or field key."""
    _policy()
    page = _client(_owner(firms["big"])).get(reverse("policies:mine")).content.decode()
    section = page.split('id="not-eligible"')[1]
    assert "从业人数（年平均）（2025 年）：<strong>900 人</strong>，来源：区人社局" in section
    assert "employees" not in section and "&lt;=" not in section


def test_policies_for_me_without_a_registry_record() -> None:
    """An enterprise account whose code the registry does not know is told so, not a 500."""
    page = _client(UserFactory(enterprise=True)).get(reverse("policies:mine")).content.decode()
    assert "企业库中尚无统一社会信用代码为" in page


@pytest.fixture
def offered(firms: dict[str, Enterprise]) -> Grant:
    """A 免申即享 grant offered to the fitting enterprise, awaiting its confirmation."""
    policy = _policy(delivery=Delivery.AUTO_GRANT, needs_confirmation=True, grant_amount=Decimal(5))
    services.auto_grant_list_confirm(policy=policy, acting_user=department_user("science"))
    return Grant.objects.get(policy=policy, enterprise=firms["fit"])


def test_enterprise_confirms_an_offer_with_its_account(offered: Grant) -> None:
    """Without an account the confirmation is refused with a message and nothing changes; with
    one the grant is confirmed and the account stored."""
    client = _client(_owner(offered.enterprise))
    url = reverse("policies:grant_confirm", args=[offered.pk])
    page = client.post(url, {"payee_account": " "}, follow=True).content.decode()
    assert "请填写收款账户" in page
    offered.refresh_from_db()
    assert offered.state == GrantState.OFFERED
    page = client.post(url, {"payee_account": "工行金山支行 1001"}, follow=True).content.decode()
    assert "已确认" in page
    offered.refresh_from_db()
    assert offered.state == GrantState.CONFIRMED and offered.payee_account == "工行金山支行 1001"


def test_enterprise_declines_an_offer(offered: Grant) -> None:
    """Declining records the reason and frees the place."""
    client = _client(_owner(offered.enterprise))
    client.post(reverse("policies:grant_decline", args=[offered.pk]), {"reason": "不需要"})
    offered.refresh_from_db()
    assert offered.state == GrantState.DECLINED


def test_another_enterprises_grant_is_not_found(
    offered: Grant, firms: dict[str, Enterprise]
) -> None:
    """An enterprise cannot answer another's offer: a 404, and the grant is unchanged."""
    client = _client(_owner(firms["big"]))
    response = client.post(
        reverse("policies:grant_confirm", args=[offered.pk]), {"payee_account": "X 1"}
    )
    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.state == GrantState.OFFERED


# -- the department's pages ----------------------------------------------------------------------


def test_department_lists_only_its_own_policies_and_the_lead_office_all() -> None:
    """Science sees its policies and a "new" button; the lead office sees every department's,
    read-only."""
    science = _client(department_user("science")).get(reverse("policies:manage")).content.decode()
    assert "tech-sme" in science and "small-low-profit-cit" not in science
    assert reverse("policies:create") in science
    lead = _client(UserFactory(lead_office=True)).get(reverse("policies:manage")).content.decode()
    assert "tech-sme" in lead and "small-low-profit-cit" in lead
    assert reverse("policies:create") not in lead


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "test-new",
        "title": "新政策",
        "document_number": "金科委〔2026〕9号",
        "valid_from": "2026-01-01",
        "summary": "摘要",
        "benefit": "奖励",
        "delivery": Delivery.PUSH,
        "allocation": "first_matched",
        "rule": RULE,
        **overrides,
    }


def test_create_refuses_a_bad_rule_with_the_engines_message() -> None:
    """A rule naming an unknown field is refused in Chinese, pointing at the field; nothing is
    saved."""
    client = _client(department_user("science"))
    page = client.post(reverse("policies:create"), _form(rule="staff_count > 3")).content.decode()
    assert "未知的字段" in page and "staff_count" in page
    assert not Policy.objects.filter(code="test-new").exists()


def test_create_refuses_validity_ending_before_it_starts() -> None:
    """The end of validity before its start is an error on that field; nothing is saved."""
    client = _client(department_user("science"))
    page = client.post(reverse("policies:create"), _form(valid_until="2025-01-01")).content.decode()
    assert "有效期止不能早于有效期起" in page
    assert not Policy.objects.filter(code="test-new").exists()


def test_create_saves_a_draft_of_the_users_department() -> None:
    """A valid form saves a draft with rule version 1 and shows its editing page."""
    client = _client(department_user("science"))
    response = client.post(reverse("policies:create"), _form())
    assert response.status_code == 302
    policy = Policy.objects.get(code="test-new")
    assert policy.department.code == "science" and policy.state == PolicyState.DRAFT
    assert policy.versions.get().sql == RULE


def test_edit_with_a_changed_rule_makes_a_new_version(firms: dict[str, Enterprise]) -> None:
    """Saving a changed rule adds version 2, listed in the history; the same text adds none."""
    policy = _policy(publish=False)
    client = _client(department_user("science"))
    url = reverse("policies:edit", args=[policy.code])
    data = _form(code=policy.code, rule="employees <= 200", note="放宽科技人员要求")
    client.post(url, data)
    assert list(policy.versions.values_list("number", flat=True)) == [2, 1]
    client.post(url, data)
    assert policy.versions.count() == 2
    page = client.get(url).content.decode()
    assert "v2" in page and "放宽科技人员要求" in page


def test_edit_with_a_bad_rule_changes_nothing() -> None:
    """A bad rule on the edit page shows the message; neither title nor rule changes."""
    policy = _policy(publish=False)
    client = _client(department_user("science"))
    page = client.post(
        reverse("policies:edit", args=[policy.code]),
        _form(code=policy.code, title="改过的标题", rule="employees <="),
    ).content.decode()
    assert "无法识别" in page
    policy.refresh_from_db()
    assert policy.title == "测试政策 test-tech" and policy.versions.count() == 1


def test_another_departments_policy_is_not_found() -> None:
    """Tax staff get a 404 for a science policy: its edit page, matches, export and writes."""
    policy = _policy(publish=False)
    client = _client(department_user("tax-jinshan"))
    for name in ("policies:edit", "policies:matches", "policies:matches_xlsx"):
        assert client.get(reverse(name, args=[policy.code])).status_code == 404
    assert client.post(reverse("policies:publish", args=[policy.code])).status_code == 404
    assert client.post(reverse("policies:edit", args=[policy.code]), _form()).status_code == 404
    policy.refresh_from_db()
    assert policy.state == PolicyState.DRAFT


def test_rule_test_panel_counts_and_explains(firms: dict[str, Enterprise]) -> None:
    """The panel counts eligible and possibly eligible enterprises over every profile and shows
    a sample with the reasons."""
    client = _client(department_user("science"))
    response = client.post(reverse("policies:test"), {"rule": RULE}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    counts = page.split("data-rule-counts")[1].split("</div>\n</div>")[0]
    values = [int(v.split("<")[0]) for v in counts.split('class="value">')[1:]]
    assert values == [1, 1, 1, 3]
    assert "金山合格科技有限公司" in page and "金山缺数据科技有限公司" in page
    assert "缺少数据" in page


def test_rule_test_panel_shows_the_engines_objection() -> None:
    """A bad rule gets the engine's message naming the fragment, in Chinese."""
    client = _client(department_user("science"))
    page = client.post(reverse("policies:test"), {"rule": "tech_staff > 'many'"}).content.decode()
    assert "data-rule-error" in page and "tech_staff &gt; &#x27;many&#x27;" in page
    assert "整数" in page and "文本" in page


def test_publish_matches_and_a_second_publish_is_refused(firms: dict[str, Enterprise]) -> None:
    """Publishing stores the matches and says how many; publishing again is refused."""
    policy = _policy(publish=False)
    client = _client(department_user("science"))
    page = client.post(
        reverse("policies:publish", args=[policy.code]), follow=True
    ).content.decode()
    assert "已发布：1 家企业符合条件，1 家可能符合" in page
    assert Match.objects.filter(policy=policy).count() == 2
    page = client.post(
        reverse("policies:publish", args=[policy.code]), follow=True
    ).content.decode()
    assert "该政策已发布" in page


def test_matches_filter_and_export(firms: dict[str, Enterprise]) -> None:
    """The matched list filters by outcome and exports the same rows as XLSX."""
    policy = _policy()
    client = _client(department_user("science"))
    url = reverse("policies:matches", args=[policy.code])
    page = client.get(url + f"?outcome={Outcome.UNKNOWN}").content.decode()
    assert "金山缺数据科技有限公司" in page and "金山合格科技有限公司" not in page
    assert "科技人员" in page  # the missing field, by its label
    response = client.get(reverse("policies:matches_xlsx", args=[policy.code]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = sorted(str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["金山合格科技有限公司", "金山缺数据科技有限公司"]
    assert sheet.title == "匹配企业"
    assert [cell.value for cell in sheet[1]][:3] == ["企业", "统一社会信用代码", "结果"]
    first_matched = Match.objects.filter(policy=policy).earliest("matched_at").matched_at
    local = timezone.localtime(first_matched).replace(tzinfo=None, microsecond=0)
    times = [
        value.replace(microsecond=0)
        for (*_rest, value) in sheet.iter_rows(min_row=2, values_only=True)
        if isinstance(value, dt.datetime)
    ]
    assert local in times  # Beijing time, not UTC


def test_auto_grant_pipeline_through_the_pages(firms: dict[str, Enterprise]) -> None:
    """Confirming the list grants and notifies; paying out and publishing the awards make the
    public award list and its open data appear (404 before)."""
    policy = _policy(delivery=Delivery.AUTO_GRANT, grant_amount=Decimal("2.5"))
    owner = _owner(firms["fit"])
    client = _client(department_user("science"))
    assert Client().get(reverse("policies:awards_json", args=[policy.code])).status_code == 404
    page = client.post(
        reverse("policies:confirm_list", args=[policy.code]), follow=True
    ).content.decode()
    assert "名单已确认：新增 1 家企业" in page
    grant = Grant.objects.get(policy=policy)
    assert grant.state == GrantState.GRANTED
    assert Notification.objects.filter(recipient=owner).count() == 1
    client.post(reverse("policies:disburse", args=[policy.code, grant.pk]))
    grant.refresh_from_db()
    assert grant.state == GrantState.DISBURSED
    client.post(reverse("policies:publish_awards", args=[policy.code]))
    public = Client()
    page = public.get(reverse("policies:awards", args=[policy.code])).content.decode()
    assert "金山合格科技有限公司" in page and "2.50" in page
    data = json.loads(public.get(reverse("policies:awards_json", args=[policy.code])).content)
    assert data["awards"][0]["uscc"] == firms["fit"].uscc
    csv_text = public.get(reverse("policies:awards_csv", args=[policy.code])).content.decode()
    assert firms["fit"].uscc in csv_text
    # Open data keeps its documented keys, with the time in local time (+08:00).
    header, row = csv_text.removeprefix("\ufeff").splitlines()[:2]
    assert header == "policy,enterprise,uscc,amount_10k_cny,state,published_at"
    assert row.endswith("+08:00") and data["awards"][0]["published_at"].endswith("+08:00")


def test_confirm_list_of_a_push_policy_is_refused(firms: dict[str, Enterprise]) -> None:
    """Only auto-grant policies have a list to confirm: the message says so, no grant made."""
    policy = _policy()
    client = _client(department_user("science"))
    page = client.post(
        reverse("policies:confirm_list", args=[policy.code]), follow=True
    ).content.decode()
    assert "只有已发布的免申即享政策才有名单需要确认" in page
    assert not Grant.objects.exists()


def test_publishing_awards_without_any_is_refused(firms: dict[str, Enterprise]) -> None:
    """No award yet: the department is told, and the list stays unpublished."""
    policy = _policy(delivery=Delivery.AUTO_GRANT, code="test-empty", sql="employees > 5000")
    client = _client(department_user("science"))
    page = client.post(
        reverse("policies:publish_awards", args=[policy.code]), follow=True
    ).content.decode()
    assert "尚无可公示的兑现结果" in page
    policy.refresh_from_db()
    assert policy.awards_published_at is None


def test_lead_office_sees_matches_read_only(firms: dict[str, Enterprise]) -> None:
    """The lead office reads any department's matched list, without the buttons."""
    policy = _policy(delivery=Delivery.AUTO_GRANT)
    page = (
        _client(UserFactory(lead_office=True))
        .get(reverse("policies:matches", args=[policy.code]))
        .content.decode()
    )
    assert "金山合格科技有限公司" in page
    assert reverse("policies:confirm_list", args=[policy.code]) not in page


def test_list_pages_run_a_bounded_number_of_queries(
    firms: dict[str, Enterprise], django_assert_max_num_queries: Any
) -> None:
    """The catalogue, the management list, the matched list and "policies for me" do not run a
    query per row."""
    policy = _policy(delivery=Delivery.AUTO_GRANT)
    services.auto_grant_list_confirm(policy=policy, acting_user=department_user("science"))
    # The catalogue's and "policies for me"'s budgets count the page cache's read of the write
    # generation (core/pagecache.py).
    pages = [
        (Client(), reverse("policies:catalogue"), 5),
        (_client(department_user("science")), reverse("policies:manage"), 10),
        (
            _client(department_user("science")),
            reverse("policies:matches", args=[policy.code]),
            14,
        ),
        (_client(_owner(firms["fit"])), reverse("policies:mine"), 16),
    ]
    for client, url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_pages_speak_english_when_asked(firms: dict[str, Enterprise]) -> None:
    """With English chosen, the public page and "policies for me" use the English labels."""
    from django.conf import settings

    _policy()
    client = _client(_owner(firms["fit"]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(reverse("policies:detail", args=["test-tech"])).content.decode()
    assert "Who is eligible" in detail and "Technical staff ≥ 10" in detail
    mine = client.get(reverse("policies:mine")).content.decode()
    assert "Possibly eligible, data needed" in mine and "held by" in mine
