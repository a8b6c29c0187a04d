"""Read-mostly pages kept in memory between writes (issue 18, docs/adr/0028-page-cache.md).

The catalogue, the public progress, an enterprise's own page or the lead dashboard are read
hundreds of times for every change to what they show. A view marked `cached_page` is rendered
once per audience and served again from memory until the data may have changed:

- **The write generation** (one database row, `WriteGeneration`) says "may have changed". Every
  request that writes (an unsafe method that did not fail) advances it once its transaction has
  committed (`WriteGenerationMiddleware`), so does every finished background task; a page is
  served only under the generation it was rendered in. The generation is read from the database
  on every cached request, so a write in one server process is seen by all the others at once.
- **A time limit** (`PAGE_CACHE_SECONDS`) bounds what a write from outside the web and the
  worker (a `jinqi` command, a database console) could leave, and every page served this way
  says when it was rendered (base.html: "数据更新于 …").
- **The audience** is the user (everyone, for an anonymous visitor), the language and the
  platform clock's day; authorization runs before the cache (the decorator sits under
  `@requires`), and the forms of a kept page get this request's CSRF token on the way out.

Only plain GETs are kept: a page with a message to show, an htmx fragment, an answer other than
200 or one that sets a cookie is rendered every time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language
from django_tasks.base import TaskResult

from jinqi.core import clock
from jinqi.core.models import WriteGeneration

V = TypeVar("V", bound=Callable[..., HttpResponse])
T = TypeVar("T", bound=Callable[..., Any])

CACHE_ALIAS = "pages"
# A CSRF token as Django writes it into a form field or the htmx header of base.html.
_CSRF_TOKEN = re.compile(
    rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"'
)
_CSRF_PLACEHOLDER = b"@@jinqi-csrf-token@@"
# Headers of the view's own answer worth keeping (the middleware adds the rest on each request).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def current_generation() -> int:
    return WriteGeneration.objects.values_list("value", flat=True).first() or 0


def bump() -> None:
    """The data may have changed: pages rendered before now are not served again. Inside a
    transaction, this happens when it commits (a reader must not render the old data under the
    new generation)."""
    transaction.on_commit(_advance)


def _advance() -> None:
    if not WriteGeneration.objects.filter(pk=1).update(
        value=F("value") + 1, changed_at=timezone.now()
    ):
        WriteGeneration.objects.get_or_create(pk=1, defaults={"value": 1})


def _key(request: HttpRequest, generation: int) -> str:
    user = getattr(request, "user", None)
    audience = user.pk if user is not None and user.is_authenticated else 0
    raw = "\n".join(
        (
            str(generation),
            get_language() or "",
            str(audience),
            clock.today().isoformat(),
            request.get_full_path(),
        )
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _rendered_every_time(request: HttpRequest) -> bool:
    return (
        request.method != "GET"
        or "HX-Request" in request.headers
        # Counting does not mark them shown; rendering the page would.
        or len(messages.get_messages(request)) > 0
    )


def _keepable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def cached_page(view: V) -> V:
    """Serve the view's page from memory while the data has not changed (see the module)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _rendered_every_time(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = _key(request, current_generation())
        kept = cache.get(key)
        if kept is not None:
            return _answer(request, kept)
        request.page_rendered_at = clock.now()  # type: ignore[attr-defined]  # base.html shows it
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if _keepable(response):
            cache.set(key, _keep(response), settings.PAGE_CACHE_SECONDS)
        return response

    return cast(V, wrapper)


def _keep(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    content = response.content
    for token in set(_CSRF_TOKEN.findall(content)):
        content = content.replace(token, _CSRF_PLACEHOLDER)
    return content, [(h, response[h]) for h in _KEPT_HEADERS if h in response]


def _answer(request: HttpRequest, kept: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = kept
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


class WriteGenerationMiddleware:
    """Advance the write generation after every request that may have written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            bump()
        return response


def leaves_pages_unchanged(function: T) -> T:
    """Mark a task function whose writes no kept page shows (delivering the outbox), so that
    its thousands of runs do not throw the kept pages away."""
    function.leaves_pages_unchanged = True  # type: ignore[attr-defined]  # read below
    return function


def bump_after_task(*, task_result: TaskResult[Any], **_kwargs: Any) -> None:
    """django-tasks' `task_finished` receiver: a background task may have written."""
    if not getattr(task_result.task.func, "leaves_pages_unchanged", False):
        bump()
