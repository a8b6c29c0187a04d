"""The URL's text boundary: a refused path or query parameter is a 400, the query arrives NFC."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from jinqi.core.middleware import TextBoundaryMiddleware


def _seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse("|".join(f"{k}={v}" for k, v in request.GET.items()))


@pytest.mark.parametrize("url", ["/api/v1/x?q=%00", "/api/v1/x%00", "/api/v1/x?%E2%80%AE=1"])
def test_api_refusal_is_the_json_error(url: str) -> None:
    """Under /api/ the refusal is the API's JSON error with code invalid_text."""
    response = TextBoundaryMiddleware(_seen)(RequestFactory().get(url))
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "invalid_text"


def test_query_is_handed_on_in_nfc() -> None:
    """A decomposed parameter reaches the view composed; full-width punctuation as typed."""
    response = TextBoundaryMiddleware(_seen)(RequestFactory().get("/x?q=e%CC%81%EF%BC%8C"))
    assert response.content.decode() == "q=\u00e9，"
