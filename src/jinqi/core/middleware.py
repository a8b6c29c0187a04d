"""The text boundary for what a URL carries: its path and its query string (`core.text`).

One middleware rather than a check in each view or filter: every page and every API operation
reads the query through `request.GET` (ninja's Query parameters too), so refusing or normalising
it here covers a view that is written tomorrow without anyone remembering it (ADR 0008).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from jinqi.core.errors import error_body
from jinqi.core.text import TextRefusedError, text_clean

API_PREFIX = "/api/"


class TextBoundaryMiddleware:
    """Answer 400 to a path or query parameter the boundary refuses; hand on the query in NFC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            text_clean(request.path_info)
            request.GET = self._cleaned(request.GET)  # type: ignore[assignment]  # made immutable
        except TextRefusedError as refused:
            return self._refusal(request, refused)
        return self.get_response(request)

    @staticmethod
    def _cleaned(query: QueryDict) -> QueryDict:
        cleaned = QueryDict(mutable=True)
        for key, values in query.lists():
            cleaned.setlist(text_clean(key), [text_clean(value) for value in values])
        cleaned._mutable = False
        return cleaned

    @staticmethod
    def _refusal(request: HttpRequest, refused: TextRefusedError) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            # The API's one error format (api.errors), written here because core imports no app.
            return JsonResponse(error_body(refused.code, refused.message), status=400)
        return render(request, "400.html", {"message": refused.message}, status=400)
