"""A busy database answers 503 with a retry message in Chinese and Retry-After, never a 500."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from jinqi.core.busy import DatabaseBusyMiddleware, database_busy
from jinqi.core.models import CalendarOverride

MESSAGE = "系统繁忙，本次操作未保存任何内容。请几秒钟后重试。"


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
    assert json.loads(response.content) == {
        "error": {"code": "busy", "message": MESSAGE, "details": None}
    }
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
