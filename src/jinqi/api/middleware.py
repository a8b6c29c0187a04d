"""Every authenticated call to the API leaves a row in the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jinqi.audit.services import audit_api_call

API_PREFIX = "/api/v1/"
UNAUDITED = ("/api/v1/openapi.json", "/api/v1/docs")


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
