"""The per-token rate limit is one count for every web process, kept in the database."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from jinqi.accounts.models import ApiToken
from jinqi.accounts.services import api_token_create, system_user
from jinqi.accounts.tests.factories import department_user
from jinqi.api.auth import _rate_limit
from jinqi.api.models import ApiCallCount
from jinqi.api.ratelimit import RateLimited, api_call_count, api_call_counts_prune, current_minute
from jinqi.core import clock

LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _token() -> ApiToken:
    token, _key = api_token_create(acting_user=system_user(), user=department_user(), name="系统")
    return token


@pytest.mark.django_db
@override_settings(API_RATE_LIMIT_PER_MINUTE=3, CACHES=LOCAL_MEMORY)
def test_the_limit_survives_a_fresh_process_cache() -> None:
    """Three calls, then the per-process cache emptied as another worker would have it: the
    fourth call is still refused (a count in LocMemCache would start again at one)."""
    token = _token()
    for _ in range(3):
        _rate_limit(token.pk)
    cache.clear()
    with pytest.raises(RateLimited) as refused:
        _rate_limit(token.pk)
    assert "3" in refused.value.message
    assert 0 < refused.value.retry_after <= 60
    assert ApiCallCount.objects.get(token=token).calls == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_share_one_count() -> None:
    """Calls counted through another database connection (another thread, as another process
    would be) add to the same minute's count."""
    token = _token()
    minute = current_minute()
    assert api_call_count(token_id=token.pk, minute=minute) == 1
    seen: list[int] = []

    def elsewhere() -> None:
        from django.db import connection as own

        try:
            seen.extend(api_call_count(token_id=token.pk, minute=minute) for _ in range(2))
        finally:
            own.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == [2, 3]
    assert api_call_count(token_id=token.pk, minute=minute) == 4
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_counts_are_per_token_and_per_minute() -> None:
    """Another token, or the next minute, starts from one."""
    first, second = _token(), _token()
    minute = current_minute()
    assert [api_call_count(token_id=first.pk, minute=minute) for _ in range(2)] == [1, 2]
    assert api_call_count(token_id=second.pk, minute=minute) == 1
    assert api_call_count(token_id=first.pk, minute=minute + 1) == 1


@pytest.mark.django_db
def test_pruning_deletes_only_minutes_gone_by() -> None:
    """The periodic job keeps the current and the two previous minutes."""
    token = _token()
    now = current_minute()
    for minute in (now - 10, now - 3, now - 2, now):
        api_call_count(token_id=token.pk, minute=minute)
    assert api_call_counts_prune() == 2
    kept = sorted(ApiCallCount.objects.values_list("minute", flat=True))
    assert kept == [now - 2, now]
    clock.advance(dt.timedelta(minutes=5))
    assert api_call_counts_prune() == 2 and not ApiCallCount.objects.exists()
