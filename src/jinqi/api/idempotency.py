"""`Idempotency-Key` on every create call (POST) under /api/v1/.

The first request with a key runs and its response is stored; a retry with the same key and body
gets the stored response, a reuse of the key with another body is refused, and a retry that
arrives while the first is still running is told so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from jinqi.accounts.services import api_token_use
from jinqi.api.errors import error_body
from jinqi.api.models import IdempotencyRecord
from jinqi.core import clock

HEADER = "Idempotency-Key"
API_PREFIX = "/api/v1/"


def _acting_user(request: HttpRequest) -> Any:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return api_token_use(key=auth[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        user = _acting_user(request)
        if user is None:
            return self.get_response(request)  # the API answers 401 itself
        if len(key) > 200:
            return JsonResponse(
                error_body("invalid", _("The Idempotency-Key is longer than 200 characters.")),
                status=422,
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        method=request.method,
                        path=request.path,
                        request_hash=body_hash,
                        created_at=clock.now(),
                    )
            except IntegrityError:
                return self._in_progress()
            response = self.get_response(request)
            if response.status_code < 500:
                record.status_code = response.status_code
                record.response_body = response.content
                record.save(update_fields=["status_code", "response_body"])
            else:
                record.delete()  # a server failure may be retried with the same key
            return response
        if existing.request_hash != body_hash or existing.path != request.path:
            return JsonResponse(
                error_body(
                    "idempotency_key_reused",
                    _("This Idempotency-Key was already used for a different request."),
                ),
                status=422,
            )
        if existing.status_code is None:
            return self._in_progress()
        replay = HttpResponse(
            bytes(existing.response_body or b""),
            status=existing.status_code,
            content_type="application/json",
        )
        replay["Idempotent-Replayed"] = "true"
        return replay

    @staticmethod
    def _in_progress() -> JsonResponse:
        return JsonResponse(
            error_body(
                "idempotency_in_progress",
                _("A request with this Idempotency-Key is still being processed; retry shortly."),
            ),
            status=409,
        )
