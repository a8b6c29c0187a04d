"""A request id for every request: in the `X-Request-ID` response header and every log line.

A caller (or the TLS proxy in front) may send its own `X-Request-ID` so one id follows a call
through several systems; an id that is not a short run of safe characters is replaced, so
nobody can write a forged line or a megabyte into the log through it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
NO_REQUEST = "-"
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_current: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request this thread is answering, or "-" outside a request."""
    return _current.get()


def request_id_for(incoming: str | None) -> str:
    """The caller's id when it is sane, otherwise a fresh one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the chain, so every later middleware, view and log line sees the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]  # read by error handlers
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every log record a `request_id` attribute for the formatter (LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
