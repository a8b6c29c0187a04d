"""List pages and list endpoints run a bounded number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus
from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv
from jinqi.registry.tests.factories import enterprise, facts

pytestmark = pytest.mark.django_db


def _queries(
    client: Client, url: str, assert_max: Callable[..., Any], limit: int, **extra: Any
) -> None:
    with assert_max(limit):
        response = client.get(url, **extra)
    assert response.status_code == 200


@pytest.fixture
def plan_with_reports() -> Any:
    plan = import_plan(jinshan_2022_csv(), code="jinshan-2022")
    staff = department_user("market-regulation")
    for measure in plan.measures.filter(assignments__department=staff.department)[:5]:
        services.report_save(
            measure=measure,
            period=dt.date(2022, 6, 1),
            status=MeasureStatus.IN_PROGRESS,
            narrative="进展",
            submit=True,
            acting_user=staff,
        )
    return plan


def test_plan_pages_do_not_query_per_measure(
    plan_with_reports: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    """The 100-measure ledger, public page and dashboard each stay within a fixed query budget."""
    lead = Client()
    lead.force_login(UserFactory(lead_office=True))
    _queries(lead, "/plans/ledger/", django_assert_max_num_queries, 20)
    _queries(Client(), "/plans/public/", django_assert_max_num_queries, 12)
    _queries(lead, "/plans/dashboard/", django_assert_max_num_queries, 60)
    _queries(Client(), "/api/v1/plans/jinshan-2022/measures", django_assert_max_num_queries, 10)


def test_registry_list_page_and_endpoint_do_not_query_per_enterprise(
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    """Listing 25 enterprises costs the same few queries as listing one."""
    for _ in range(30):
        firm = enterprise()
        facts(firm, "tax-jinshan", dt.date(2026, 5, 31), revenue_2025=100)
    staff = department_user()
    client = Client()
    client.force_login(staff)
    _queries(client, "/registry/", django_assert_max_num_queries, 12)
    _token, key = api_token_create(acting_user=system_user(), user=staff, name="系统")
    _queries(
        Client(),
        "/api/v1/registry/enterprises",
        django_assert_max_num_queries,
        12,
        headers={"Authorization": f"Bearer {key}"},
    )
