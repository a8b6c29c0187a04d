"""Read-mostly pages kept in memory between writes (issue 18, docs/adr/0028-page-cache.md).

The catalogue, the public progress, an enterprise's own page or the lead dashboard are read
hundreds of times for every change to what they show. A view marked `cached_page` is rendered
once per audience and served again from memory until the data may have changed:

- **The write generation** (one database row, `WriteGeneration`) says "may have changed". A
  request, a background task or a `jinqi` command that wrote a table a page may show (any but
  sessions, login records, API tokens and call counts, the audit trail, the outbox and task
  bookkeeping: `WriteDetector` watches every statement) advances it once its transaction has
  committed. A page is served only under the generation it was rendered in; the generation is
  read from the database on every kept request, so a write in one server process is seen by all
  the others at once.
- **A time limit** (`PAGE_CACHE_SECONDS`) bounds what a write from outside the platform (a
  database console) could leave, and every page served this way says when it was rendered
  (base.html: "本页数据更新于 …").
- **The audience** is the user (everyone, for an anonymous visitor), the language and the
  platform clock's day; authorization runs before the cache (the decorator sits under
  `@requires`), and the forms of a kept page get this request's CSRF token on the way out.

Only plain GETs are kept: a page with a message to show, an htmx fragment, an answer other than
200 or one that sets a cookie is rendered every time.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.core.cache import BaseCache, caches
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from jinqi.core import clock
from jinqi.core.models import WriteGeneration

V = TypeVar("V", bound=Callable[..., HttpResponse])

CACHE_ALIAS = "pages"
# The longest a request waits for another one rendering the same page.
RENDERING_SECONDS = 3
# A CSRF token as Django writes it into a form field or the htmx header of base.html.
_CSRF_TOKEN = re.compile(
    rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"'
)
_CSRF_PLACEHOLDER = b"@@jinqi-csrf-token@@"
# Headers of the view's own answer worth keeping (the middleware adds the rest on each request).
_KEPT_HEADERS = ("Content-Type", "Content-Language")


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
        rendering = f"{key}:rendering"
        if kept is None and not cache.add(rendering, True, RENDERING_SECONDS):
            kept = _await(cache, key, rendering)
        if kept is not None:
            return _answer(request, kept)
        try:
            request.page_rendered_at = clock.now()  # type: ignore[attr-defined]  # base.html shows it
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if _keepable(response):
                cache.set(key, _keep(response), settings.PAGE_CACHE_SECONDS)
        finally:
            cache.delete(rendering)
        return response

    return cast(V, wrapper)


def _await(cache: BaseCache, key: str, rendering: str) -> Any:
    """Another request is rendering this page: wait for its copy rather than render it again
    (a page the whole audience asks for at once, after a write, is rendered once). None when
    that request kept nothing or took too long: render it here."""
    deadline = time.monotonic() + RENDERING_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        kept = cache.get(key)
        if kept is not None or not cache.has_key(rendering):
            return kept
    return None


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


# Tables no kept page shows: writing only these leaves every page as it was (a login writes the
# session, the login records and the user's last login; delivering the outbox, the outbox; an
# API call, its token's last use and the rate limit's count).
_QUIET_TABLES = frozenset(
    {
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "audit_auditevent",
        "notifications_outboxmessage",
        "django_tasks_database_dbtaskresult",
        "api_idempotencyrecord",
        "api_apicallcount",
        "accounts_apitoken",
        "core_writegeneration",
    }
)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.IGNORECASE
)
_LAST_LOGIN = re.compile(
    r'^\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*\S+\s+WHERE', re.IGNORECASE
)
# Statements that read, or only manage the transaction or the connection.
_READS = frozenset(
    {"SELECT", "WITH", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA", "EXPLAIN"}
    | {"SET", "SHOW"}
)


_SAVEPOINT = re.compile(
    r'^\s*(SAVEPOINT|ROLLBACK\s+TO\s+SAVEPOINT|RELEASE\s+SAVEPOINT)\s+"?(\w+)"?', re.IGNORECASE
)


class WriteDetector:
    """A database execute wrapper that notes whether anything a page may show was written.
    A write undone by rolling back to a savepoint (an inner `atomic` that failed) is forgotten;
    the rollback of an outermost transaction is not a statement and goes unseen, so a request
    whose only writes were rolled back that way still advances the generation (harmless)."""

    def __init__(self) -> None:
        self.wrote = False
        self._at_savepoint: dict[str, bool] = {}

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        savepoint = _SAVEPOINT.match(sql)
        if savepoint is not None:
            verb, name = savepoint.group(1).upper(), savepoint.group(2)
            if verb == "SAVEPOINT":
                self._at_savepoint[name] = self.wrote
            elif verb.startswith("ROLLBACK"):
                self.wrote = self._at_savepoint.get(name, self.wrote)
            else:
                self._at_savepoint.pop(name, None)
        elif not self.wrote:
            self.wrote = _shown(sql)
        return result


def _shown(sql: str) -> bool:
    write = _WRITE.match(sql)
    if write is not None:
        return write.group(1).lower() not in _QUIET_TABLES and not _LAST_LOGIN.match(sql)
    # DDL or anything else: the safe guess is that it changed something.
    first = sql.split(None, 1)
    return not first or first[0].upper() not in _READS


class WriteGenerationMiddleware:
    """Advance the write generation after every request that wrote what a page may show."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        detector = WriteDetector()
        with connection.execute_wrapper(detector):
            response = self.get_response(request)
        if detector.wrote:
            bump()
        return response


@contextmanager
def advanced_after_writes() -> Iterator[None]:
    """Around a `jinqi` command: if it wrote what a page may show, advance the generation."""
    detector = WriteDetector()
    connection.execute_wrappers.append(detector)
    try:
        yield
    finally:
        connection.execute_wrappers.remove(detector)
        if detector.wrote:
            _advance()


_task_detectors: list[WriteDetector] = []


def watch_task(**_kwargs: Any) -> None:
    """django-tasks' `task_started` receiver: note what the task writes."""
    detector = WriteDetector()
    _task_detectors.append(detector)
    connection.execute_wrappers.append(detector)


def bump_after_task(**_kwargs: Any) -> None:
    """django-tasks' `task_finished` receiver: a task that wrote what a page may show advances
    the generation."""
    if not _task_detectors:
        return
    detector = _task_detectors.pop()
    if detector in connection.execute_wrappers:
        connection.execute_wrappers.remove(detector)
    if detector.wrote:
        bump()
