"""Pages of a list too long to count on every view (the registry: millions of enterprises).

`EstimatedCountPaginator` counts exactly while the database's planner expects at most
`EXACT_UP_TO` rows; beyond that it shows the planner's estimate, and says so (`estimated`), so a
page never passes off a guess as a count. On SQLite, whose planner gives no row estimate and
whose databases are small, it always counts.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

EXACT_UP_TO = 10_000


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """The number of rows PostgreSQL's planner expects the query to return; None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    document = json.loads(plan) if isinstance(plan, str) else plan
    return int(document[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        estimate = planner_estimate(queryset) if isinstance(queryset, QuerySet) else None
        if estimate is not None and estimate > EXACT_UP_TO:
            self.estimated = True
            return estimate
        return super().count
