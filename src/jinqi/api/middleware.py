"""Middleware of the API: every authenticated call leaves a row in the audit trail, and every
error under /api/v1/ is the API's JSON error, whoever produced it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from jinqi.api.errors import error_body, status_error
from jinqi.audit.services import audit_api_call

API_PREFIX = "/api/v1/"
UNAUDITED = ("/api/v1/openapi.json", "/api/v1/docs")
# Headers of an error answer that still mean something once its body is JSON.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiJsonErrorsMiddleware:
    """An error answered outside the API's own handlers (an unknown path, a method the path does
    not take, a failure in a middleware, Django's CSRF or size checks) becomes the documented
    JSON error, with the request id, instead of an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        replaced = JsonResponse(
            error_body(*status_error(response.status_code)), status=response.status_code
        )
        for header in KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced


class ApiAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and not request.path.startswith(UNAUDITED):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                audit_api_call(
                    actor=user,
                    method=request.method or "",
                    path=request.get_full_path(),
                    status=response.status_code,
                    token_id=getattr(user, "api_token_id", None),
                )
        return response
