"""A busy database answers 503 with a retry message in Chinese and Retry-After, never a 500."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from jinqi.core.busy import DatabaseBusyMiddleware, database_busy
from jinqi.core.models import CalendarOverride

MESSAGE = "系统繁忙，请求未能完成。请几秒钟后重试。"


def _writes_then_finds_the_database_locked(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        CalendarOverride.objects.create(day=dt.date(2026, 1, 1), is_working_day=True)
        raise OperationalError("database is locked")


def _call(path: str) -> HttpResponse:
    middleware = DatabaseBusyMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post(path)
    try:
        _writes_then_finds_the_database_locked(request)
    except OperationalError as error:
        answered = middleware.process_exception(request, error)
    assert answered is not None
    return answered


@pytest.mark.django_db
def test_a_page_gets_a_retry_page_and_nothing_is_written() -> None:
    """A page whose write finds the database locked answers 503 with the retry message and
    Retry-After; its write was rolled back."""
    response = _call("/appeals/file/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert MESSAGE in response.content.decode()
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_the_api_gets_its_json_error_and_nothing_is_written() -> None:
    """Under /api/ the answer is the API's error body with the code "busy"."""
    response = _call("/api/v1/applications")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = json.loads(response.content)["error"]
    assert error == {"code": "busy", "message": MESSAGE, "details": None, "request_id": "-"}
    assert not CalendarOverride.objects.exists()


def test_other_database_errors_are_not_called_busy() -> None:
    """A broken database is not a busy one: it still ends as a server error."""
    assert not database_busy(OperationalError("no such table: core_storedfile"))
    assert not database_busy(ValueError("database is locked"))
    middleware = DatabaseBusyMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, OperationalError("disk I/O error")) is None


@pytest.mark.django_db  # the test database is not used; pytest-django blocks any connection
def test_a_real_sqlite_write_lock_is_recognised(tmp_path: Path) -> None:
    """A write on a SQLite file whose write lock another connection holds fails the way the
    middleware recognises (the text of SQLite's error, as Django raises it)."""
    path = str(tmp_path / "busy.sqlite3")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    writer = DatabaseWrapper(
        {**connection.settings_dict, "NAME": path, "OPTIONS": {"timeout": 0.1}},
        alias="busy",
    )
    try:
        with pytest.raises(OperationalError) as raised, writer.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        assert database_busy(raised.value)
    finally:
        writer.close()
        holder.execute("ROLLBACK")
        holder.close()


class _LockedAfterTheView:
    """A middleware whose own write, after the view, finds the database locked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.get_response(request)
        raise OperationalError("database is locked")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/openapi.json"])
def test_a_busy_database_outside_any_view_answers_503_too(path: str) -> None:
    """A middleware's write that finds the database locked answers 503 with the retry message
    (the site's handler500), not the server-error page."""
    middleware = [*settings.MIDDLEWARE, f"{__name__}._LockedAfterTheView"]
    with override_settings(MIDDLEWARE=middleware):
        response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    if path.startswith("/api/"):
        error = response.json()["error"]
        assert error == {**error, "code": "busy", "message": MESSAGE, "details": None}
        assert error["request_id"]
    else:
        assert MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_another_error_outside_any_view_is_still_the_server_error_page() -> None:
    """Only a busy database is answered 503: another error keeps the 500 page."""
    middleware = [*settings.MIDDLEWARE, f"{__name__}._Broken"]
    with override_settings(MIDDLEWARE=middleware):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500


class _Broken(_LockedAfterTheView):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise OperationalError("disk I/O error")
