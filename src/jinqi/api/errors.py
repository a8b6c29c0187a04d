"""One error format for the whole API, documented on every operation:
{"error": {"code", "message", "details", "request_id"}}.

Every error carries the request id (the `X-Request-ID` response header, also in each log line of
the request), an unexpected exception included: its traceback goes to the log under that id and
the caller gets the same JSON error with status 500, never Django's HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jinqi.api.ratelimit import RateLimited
from jinqi.core.busy import busy_response, database_busy
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied, error_body
from jinqi.core.request_id import current_request_id

logger = logging.getLogger(__name__)


class ErrorDetail(Schema):
    code: str
    message: str
    details: Any = None
    request_id: str


class ErrorOut(Schema):
    """The body of every error answer of the API."""

    error: ErrorDetail


def status_error(status: int) -> tuple[str, str]:
    """(code, message) of an error known only by its status, as Django or Ninja answered it."""
    known = {
        400: ("bad_request", _("The request could not be read.")),
        401: ("unauthenticated", _("Log in or send a token.")),
        403: ("forbidden", _("You are not allowed to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("too_large", _("The request is too large.")),
        500: ("server_error", _("Something went wrong on our side. Please try again later.")),
    }
    return known.get(status, ("http_error", _("The request could not be completed.")))


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(
            request, 422, error_body("invalid", _("The request is not valid."), exc.errors)
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, error_body(*status_error(401)))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body(*status_error(404)))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body(exc.code, exc.message, exc.details))

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return respond(request, 409, error_body(exc.code, exc.message, exc.details))

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, 400, error_body(exc.code, exc.message, exc.details))

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(request, 429, error_body("rate_limited", exc.message))
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja's own messages are English ("Cannot parse request body"): the caller reads ours.
        return respond(request, exc.status_code, error_body(*status_error(exc.status_code)))

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(SuspiciousOperation)
    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A multipart body without its boundary, too many fields, a body over the size limit:
        # Django answers these 400 for its own views, and so does the API.
        return respond(request, 400, error_body(*status_error(400)))

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        if database_busy(exc):
            # Nothing was written; the caller may simply retry (503 with Retry-After).
            return busy_response(request)
        logger.exception(
            "Unexpected error answering %s %s (request %s)",
            request.method,
            request.path,
            current_request_id(),
        )
        return respond(request, 500, error_body(*status_error(500)))


# Statuses every operation may answer, and those that depend on what the operation is.
ALWAYS = (400, 404, 500, 503)
WITH_INPUT = (422,)
AUTHENTICATED = (401, 403, 429)
UNSAFE = (409,)
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
DESCRIPTIONS = {
    400: "Refused by a rule of the domain, or unreadable.",
    401: "No valid token or session.",
    403: "The caller's role or token may not do this.",
    404: "No such object, or not one the caller may see.",
    409: "Someone else changed it first, or the same Idempotency-Key is still running.",
    422: "The input does not match the schema.",
    429: "Too many calls with this token this minute (see Retry-After).",
    500: "Unexpected error; quote the request_id.",
    503: "The database is busy; nothing was done, retry after Retry-After seconds.",
}


def document_errors(schema: dict[str, Any]) -> None:
    """Add the error answers each operation can give to an OpenAPI document, in place, so a
    new operation is documented without anyone remembering it."""
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = list(ALWAYS)
            if operation.get("parameters") or operation.get("requestBody"):
                statuses += WITH_INPUT
            if operation.get("security"):
                statuses += AUTHENTICATED
            if method in UNSAFE_METHODS:
                statuses += UNSAFE
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
