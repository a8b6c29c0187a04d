"""The registry list pages millions of enterprises without counting them all on every view."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from jinqi.accounts.tests.factories import department_user
from jinqi.core import pagination
from jinqi.core.pagination import EstimatedCountPaginator
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db


def _staff_client() -> Client:
    client = Client()
    client.force_login(department_user())
    return client


def test_a_small_list_is_counted_exactly() -> None:
    """Under the threshold (and always on SQLite) the count is exact and not called an estimate."""
    for _ in range(3):
        enterprise()
    paginator = EstimatedCountPaginator(Enterprise.objects.order_by("name"), 25)
    assert (paginator.count, paginator.estimated) == (Enterprise.objects.count(), False)
    page = _staff_client().get("/registry/").content.decode()
    assert f"{Enterprise.objects.count()} 家企业" in page and "约" not in page.split("家企业")[0]


@pytest.mark.postgres
def test_a_long_list_shows_the_planners_estimate_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the threshold, PostgreSQL's estimate is shown as one ("约"), on the count and on the
    number of pages, instead of a count of every row."""
    for _ in range(30):
        enterprise()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_enterprise")
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 5)
    paginator = EstimatedCountPaginator(Enterprise.objects.order_by("name"), 25)
    assert paginator.count > 5 and paginator.estimated
    page = _staff_client().get("/registry/").content.decode()
    assert "约" in page and "共约" in page


@pytest.mark.postgres
def test_the_name_search_has_its_trigram_index() -> None:
    """Migration 0012 gives PostgreSQL the index the list's `icontains` name search uses."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["registry_enterprise_name_trgm"],
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper" in definition.lower()
