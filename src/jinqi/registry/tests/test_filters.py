"""The registry's list, page and API alike: the industry prefix filter and hostile parameters."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.registry.models import Delivery
from jinqi.registry.tests.factories import enterprise, industry

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Accept-Language": "zh-hans"}


@pytest.fixture
def firms() -> tuple[str, str]:
    chemical = enterprise(name="金山化工有限公司")
    shop = enterprise(name="金山零售有限公司", industry=industry("F5211", "百货零售"))
    return chemical.uscc, shop.uscc


@pytest.mark.parametrize(("prefix", "expected"), [("C", 0), ("c26", 0), ("F", 1), ("X", None)])
def test_industry_prefix_filters_the_registry_page(
    firms: tuple[str, str], prefix: str, expected: int | None
) -> None:
    """?industry= keeps the enterprises whose industry code starts with it, in any case."""
    client = Client()
    client.force_login(department_user())
    response = client.get(reverse("registry:list"), {"industry": prefix})
    assert response.status_code == 200
    page = response.content.decode()
    shown = [uscc for uscc in firms if uscc in page]
    assert shown == ([] if expected is None else [firms[expected]])


@pytest.mark.parametrize(("prefix", "expected"), [("C", 0), ("C2614", 0), ("f", 1), ("X", None)])
def test_industry_prefix_filters_the_api_list(
    firms: tuple[str, str], prefix: str, expected: int | None
) -> None:
    """The API's ?industry= is the same prefix filter as the page's."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    response = Client().get(
        "/api/v1/registry/enterprises", {"industry": prefix}, headers=_bearer(key)
    )
    assert response.status_code == 200
    listed = [item["uscc"] for item in response.json()["items"]]
    assert listed == ([] if expected is None else [firms[expected]])


def test_nul_in_the_registry_search_is_a_400_page() -> None:
    """A NUL in the search parameter answers 400 with a Chinese message, not a server error."""
    client = Client()
    client.force_login(department_user())
    response = client.get(reverse("registry:list"), {"q": "金山\x00"})
    assert response.status_code == 400
    assert "不允许" in response.content.decode()


def test_nul_in_the_api_search_is_a_400_json_error() -> None:
    """The API answers the same refusal in its JSON error format."""
    _token, key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    response = Client().get("/api/v1/registry/enterprises?q=%00", headers=_bearer(key))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_text"
    assert "不允许" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "fact",
    [
        {"key": "employees", "value": "五\x00十"},
        {"key": "employees\x00", "value": 5},
        {"key": "industry_code", "value": {"nested": ["C\x00"]}},
    ],
)
def test_nul_in_pushed_facts_is_a_422_and_nothing_is_recorded(fact: dict[str, object]) -> None:
    """A NUL anywhere in a pushed fact (key, value, nested value) is refused before the service."""
    firm = enterprise()
    _token, key = api_token_create(
        acting_user=system_user(), user=department_user("human-resources"), name="人社系统"
    )
    body = {"uscc": firm.uscc, "as_of": "2025-06-30", "facts": [fact]}
    response = Client().post(
        "/api/v1/registry/facts",
        json.dumps(body),
        content_type="application/json",
        headers=_bearer(key),
    )
    assert response.status_code == 422
    assert "不允许" in json.dumps(response.json(), ensure_ascii=False)
    assert not Delivery.objects.exists()
