"""Being written (issue 5); every view answers 404 until then."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from jinqi.core.permissions import AUTHENTICATED, requires


@requires(AUTHENTICATED)
def batch(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def objection(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def publicity(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
