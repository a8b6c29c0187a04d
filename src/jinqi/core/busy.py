"""A database too busy to take a write answers 503 with a clear retry message, never a 500.

SQLite has one writer at a time; a transaction that waited its whole busy timeout for the write
lock fails with "database is locked". PostgreSQL may likewise give up on a deadlock or a lock it
could not have. Nothing was written (the transaction rolled back), so the right answer is "try
again in a moment": a page for the browser, the API's JSON error under /api/, both with a
Retry-After header. One place: the middleware for an error under a view, `server_error` (the
site's handler500) for one raised outside it, by a middleware that writes (sessions, the API's
audit row) (docs/adr/0010-create-once.md)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from jinqi.core.errors import error_body

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
# SQLite's messages; the second is its shared-cache (in-memory) form.
SQLITE_BUSY = ("database is locked", "database table is locked")
# PostgreSQL: serialization failure, deadlock detected, lock not available.
POSTGRESQL_BUSY = frozenset({"40001", "40P01", "55P03"})


def database_busy(error: BaseException) -> bool:
    """Whether `error` is the database saying it is busy, not that something is wrong."""
    if not isinstance(error, OperationalError):
        return False
    if str(error).startswith(SQLITE_BUSY):
        return True
    return getattr(error.__cause__, "sqlstate", None) in POSTGRESQL_BUSY


def busy_message() -> str:
    return _(
        "The system is busy and could not complete the request. Please try again in a few seconds."
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error body under /api/, else a page needing no database."""
    message = busy_message()
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(error_body("busy", message), status=503)
    else:
        # Rendered without the request: no context processor reads the busy database.
        response = HttpResponse(
            render_to_string("core/busy.html", {"message": message}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turns a busy database under any view into `busy_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's handler500: a busy database raised outside any view still answers
    `busy_response`; any other error, Django's own 500 page."""
    error = sys.exc_info()[1]
    if error is not None and database_busy(error):
        logger.warning("database busy on %s %s: %s", request.method, request.path, error)
        return busy_response(request)
    return defaults.server_error(request)
