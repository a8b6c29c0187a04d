"""Figures computed once per request. A page often asks for the same read more than once (the
lead dashboard shows the measure states and the report timeliness, and its live indicators
compute them again); a function marked `once_per_request` computes on its first call with
given arguments inside a request and hands the same result to later calls in that request.

Only reads of safe requests (GET, HEAD) are memoised, by the middleware below: a request that
writes may change what a second call should see. Outside a request every call computes.
Results are shared between callers: they must not be changed in place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse

P = ParamSpec("P")
R = TypeVar("R")

_memo: ContextVar[dict[Any, Any] | None] = ContextVar("jinqi_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Within the block, `once_per_request` functions compute once per set of arguments."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once_per_request(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def memoised(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _memo.get()
        if memo is None:
            return function(*args, **kwargs)
        key = (function, args, tuple(sorted(kwargs.items())))
        try:
            return memo[key]
        except KeyError:
            result = memo[key] = function(*args, **kwargs)
            return result

    return memoised


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with request_memo():
            return self.get_response(request)
