"""Being written (issue 5); every view answers 404 until then."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from jinqi.core.permissions import AUTHENTICATED, requires


@requires(AUTHENTICATED)
def act(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def application(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def batch_action(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def batch_manage(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def form_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def forms(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def objection_answer(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def queue(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires(AUTHENTICATED)
def queue_xlsx(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
