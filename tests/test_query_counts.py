"""List pages and list endpoints run a bounded number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus
from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv
from jinqi.policies import evaluation
from jinqi.policies.models import Policy
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
    _queries(Client(), "/plans/public/", django_assert_max_num_queries, 13)
    # 26, and one read per figure family of the apps whose live indicators feed the plan's
    # measures (inspections, legal checks, financing, providers, accompanied procedures).
    _queries(lead, "/plans/dashboard/", django_assert_max_num_queries, 47)
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
    _queries(client, "/registry/", django_assert_max_num_queries, 13)
    _token, key = api_token_create(acting_user=system_user(), user=staff, name="系统")
    _queries(
        Client(),
        "/api/v1/registry/enterprises",
        django_assert_max_num_queries,
        12,
        headers={"Authorization": f"Bearer {key}"},
    )


def _counted(client: Client, url: str) -> list[dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries.captured_queries


def _reads(query: dict[str, Any], table: str) -> bool:
    """Whether the query reads the table's rows or counts them (not in a subquery)."""
    starts = (
        f'SELECT "{table}".',
        f'SELECT COUNT("{table}".',
        f'SELECT COUNT(*) AS "__count" FROM "{table}"',
    )
    return str(query["sql"]).startswith(starts)


def test_dashboard_computes_its_figures_once(plan_with_reports: Any) -> None:
    """The lead dashboard reads the measure states and the report timeliness once, though its
    live indicators ask for them again, and reads the working calendar once."""
    lead = Client()
    lead.force_login(UserFactory(lead_office=True))
    queries = _counted(lead, "/plans/dashboard/")
    reports = [q for q in queries if _reads(q, "plans_progressreport")]
    calendar = [q for q in queries if _reads(q, "core_calendaroverride")]
    appeals = [q for q in queries if _reads(q, "appeals_appeal")]
    assert len(reports) <= 3  # the states' newest reports, the timeliness, the review count
    assert len(calendar) == 1
    assert len(appeals) <= 2  # the four appeal indicators share one count (they made four)
    # 26, the credit figures that feed measures 43–46, the other apps' figure families and the
    # write generation of the page cache (core/pagecache.py)
    assert len(queries) <= 49


def test_the_pages_of_the_load_mix_stay_within_their_query_budgets(
    plan_with_reports: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    """The public, enterprise and staff pages of the page benchmark run a fixed number of
    queries (benchmarks/page_load.py's mix)."""
    firm = enterprise()
    facts(firm, "tax-jinshan", dt.date(2026, 5, 31), revenue_2025=100)
    owner = Client()
    owner.force_login(UserFactory(enterprise=True, enterprise_uscc=firm.uscc))
    lead = Client()
    lead.force_login(UserFactory(lead_office=True))
    # Each budget counts the page cache's read of the write generation (core/pagecache.py).
    budgets = (
        (Client(), "/policies/", 7),
        (Client(), "/policies/tech-sme/", 7),
        (Client(), "/plans/public/", 11),
        (Client(), "/guides/", 7),
        (Client(), "/applications/publicity/", 7),
        (owner, "/me/", 31),  # the credit, legal check, financing and inspection panels
        (owner, "/policies/mine/", 15),
        (owner, "/applications/", 13),
        (owner, "/appeals/", 11),
        (lead, "/appeals/statistics/", 15),
    )
    for client, url, limit in budgets:
        _queries(client, url, django_assert_max_num_queries, limit)


def test_policies_for_me_prepares_the_profile_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live verdicts on every policy derive the enterprise's dated profile once per page, not
    once per policy."""
    firm = enterprise()
    owner = Client()
    owner.force_login(UserFactory(enterprise=True, enterprise_uscc=firm.uscc))
    calls: list[dt.date] = []
    original = evaluation.profile_on

    def counting(values: Any, on: dt.date) -> Any:
        calls.append(on)
        return original(values, on)

    monkeypatch.setattr(evaluation, "profile_on", counting)
    assert Policy.objects.live(clock.today()).count() >= 2
    assert owner.get("/policies/mine/").status_code == 200
    assert len(calls) == 1
