"""Being written (issue 5); every view answers 404 until then."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from jinqi.core.permissions import AUTHENTICATED, requires


@requires(AUTHENTICATED)
def attachment_add(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def attachment_remove(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def autosave(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def guide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def mine(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def submit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def withdraw(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
