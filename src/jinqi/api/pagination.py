"""Pages of API lists, bounded at both ends and documented so in the OpenAPI document.

Ninja's limit/offset pagination leaves the offset unbounded: an offset past a 64-bit integer
reached PostgreSQL and answered 500. Here both are checked (422 when out of range)."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
