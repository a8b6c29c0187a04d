"""The search page: results with kind badges and highlights, an enterprise's eligibility, the
refusal of an oversized query, saving and deleting a search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.policies import services as policy_services
from jinqi.policies.tests.factories import policy
from jinqi.registry.tests.factories import enterprise, facts
from jinqi.search.models import SavedSearch
from jinqi.search.tests.factories import guide

pytestmark = pytest.mark.django_db


def _page(client: Client, **params: str) -> str:
    response = client.get(reverse("search:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_visitor_sees_highlighted_results_with_their_kind() -> None:
    """A visitor's search lists the guide with its badge, department and highlighted snippet,
    and markup in the guide stays inert."""
    guide("企业简易注销指南", "简易注销公示20日<script>alert(1)</script>。")
    html = _page(Client(), q="简易注销")
    assert "<mark>简易注销</mark>" in html
    assert "办事指南" in html and "区市场监管局" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_oversized_query_is_refused_with_a_clear_message() -> None:
    """More than 200 characters: the page says so in Chinese and searches nothing."""
    html = _page(Client(), q="税" * 201)
    assert "搜索内容最多200个字" in html


def test_nothing_found_suggests_searches() -> None:
    """An empty result says so and suggests searches that find something."""
    html = _page(Client(), q="量子纠缠")
    assert "没有找到" in html and "企业开办" in html


def test_enterprise_user_sees_its_eligibility(django_assert_max_num_queries: object) -> None:
    """An enterprise user's policy results say whether its enterprise is eligible."""
    firm_user = UserFactory(enterprise=True)
    firm = enterprise(uscc=firm_user.enterprise_uscc)
    facts(firm, "human-resources", dt.date(2026, 6, 30), employees_2025=12)
    staff = department_user("economy")
    for code, title, sql in (
        ("small-firm-aid", "小微企业纾困补贴甲", "employees <= 30"),
        ("big-firm-aid", "大型企业纾困补贴乙", "employees >= 1000"),
    ):
        made = policy(staff, code=code, title=title, sql=sql)
        policy_services.policy_publish(policy=made, acting_user=staff)
    client = Client()
    client.force_login(firm_user)
    html = _page(client, q="纾困补贴")
    assert "贵企业符合条件" in html and "按现有数据不符合" in html


def test_enterprise_saves_and_deletes_a_search() -> None:
    """Saving keeps the query and filters; deleting removes it; another user's is a 404."""
    firm_user = UserFactory(enterprise=True)
    client = Client()
    client.force_login(firm_user)
    response = client.post(
        reverse("search:saved_create"), {"q": "技术改造", "department": "economy"}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=firm_user)
    assert (saved.query, saved.department) == ("技术改造", "economy")
    other = Client()
    other.force_login(UserFactory(enterprise=True, username="other-firm"))
    assert other.post(reverse("search:saved_delete", args=[saved.pk])).status_code == 404
    client.post(reverse("search:saved_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_a_common_phrase_shows_an_estimated_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """A quoted phrase with more candidates than the page needs: only the best are read, the
    page is full of documents holding it, and the total reads 约 N 条."""
    from jinqi.search import query

    for n in range(40):
        guide(f"帮办服务{n:02d}", "线上帮办服务说明。" if n % 2 else "线上帮办，服务说明。")
    monkeypatch.setattr(query, "_PHRASE_BATCH_MIN", 2)
    monkeypatch.setattr(query, "_PHRASE_BATCH_MAX", 2)
    results = query.search("“帮办服务说明”")
    assert results.estimated and results.total >= 10 and len(results.hits) == 10
    assert all("帮办服务说明" in h.document.body for h in results.hits)
    assert "约" in _page(Client(), q="“帮办服务说明”")
    assert query.search("“帮办服务说明”", page=2).hits  # read further for the next page
    monkeypatch.setattr(query, "_PHRASE_BATCH_MAX", 1000)
    assert query.search("“帮办服务说明”", page=4).total == 20  # every candidate read: exact
