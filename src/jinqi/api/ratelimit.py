"""Per-token rate limits counted in the database, so every web process shares one count.

Django's default cache is in memory, one per process: with N gunicorn workers a token could
make N times its limit. A DatabaseCache would be shared but its `incr` reads then writes, so two
processes can both count 5 → 6. Here one statement inserts the minute's row or adds one to it
and returns the new count (INSERT … ON CONFLICT … DO UPDATE … RETURNING, atomic on PostgreSQL
and on SQLite ≥ 3.35), and a periodic job deletes the minutes gone by.
"""

from __future__ import annotations

from django.db import connection

from jinqi.api.models import ApiCallCount
from jinqi.core import clock

# Rows older than this many minutes are no longer read (the window is the current minute).
KEEP_MINUTES = 2


class RateLimited(Exception):  # noqa: N818 -- a state the caller meets, not a programming error
    """A token made more calls this minute than allowed; answered 429 with Retry-After."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def seconds_to_next_minute() -> int:
    return 60 - int(clock.now().timestamp()) % 60


def current_minute() -> int:
    return int(clock.now().timestamp() // 60)


def api_call_count(*, token_id: int, minute: int) -> int:
    """Count one call of the token in `minute` and return the minute's calls so far.

    Not audited: every API call already has its own audit row (`audit_api_call`)."""
    quote = connection.ops.quote_name
    table = quote(ApiCallCount._meta.db_table)
    token, minute_, calls = (quote(column) for column in ("token_id", "minute", "calls"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({token}, {minute_}, {calls}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({token}, {minute_}) DO UPDATE SET {calls} = {table}.{calls} + 1 "
            f"RETURNING {calls}",
            [token_id, minute],
        )
        row = cursor.fetchone()
    return int(row[0])


def api_call_counts_prune() -> int:
    """Delete the counts of minutes no limit reads any more; returns how many."""
    deleted, _by_model = ApiCallCount.objects.filter(
        minute__lt=current_minute() - KEEP_MINUTES
    ).delete()
    return deleted
