"""The registry list at scale (issue 18): the whole page, as the lead office, unfiltered, by
industry and by name, on the configured database (DATABASE_URL, a registry seeded with
`jinqi registry synth` and `import`). Median and worst of a few requests each, and the count
the page showed (exact or the planner's estimate, core/pagination.py).

    DATABASE_URL=postgres://… uv run python benchmarks/registry_list.py --repeat 5

Goal: every case under 500 ms at 3.3 million enterprises on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinqi.settings.base")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from jinqi.accounts.models import User  # noqa: E402
from jinqi.core.pagination import EstimatedCountPaginator  # noqa: E402
from jinqi.registry.models import Enterprise  # noqa: E402
from jinqi.registry.selectors import enterprise_search  # noqa: E402

# The page's own work, every time: never a copy from the page cache (ADR 0028).
settings.CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

CASES = (
    ("unfiltered", {}),
    ("unfiltered, page 40", {"page": "40"}),
    ("industry C (manufacturing)", {"industry": "C"}),
    ("industry C26 (chemicals)", {"industry": "C26"}),
    ("industry A01 (a rare one)", {"industry": "A01"}),
    ("name 科技 (common)", {"q": "科技"}),
    ("name 金山化工 (rarer)", {"q": "金山化工"}),
    ("name and industry", {"q": "科技", "industry": "I"}),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    lead = User.objects.get(username="lead")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(lead)
    rows = Enterprise.objects.count()
    print(f"{connection.vendor}, {rows:,} enterprises; page median, page max, queries median")
    results = {"database": connection.vendor, "enterprises": rows, "cases": {}}
    for name, params in CASES:
        url = "/registry/?" + urlencode(params)
        times = []
        for _ in range(options.repeat + 1):  # the first one warms the caches
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times = times[1:]
        # The database's part alone: the count (or estimate) and the page's rows.
        database = []
        for _ in range(options.repeat):
            started = time.perf_counter()
            paginator = EstimatedCountPaginator(
                enterprise_search(
                    lead, query=params.get("q", ""), industry=params.get("industry", "")
                ),
                25,
            )
            list(paginator.get_page(params.get("page")).object_list)
            database.append((time.perf_counter() - started) * 1000)
        count = paginator.count
        row = {
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "queries_median_ms": round(statistics.median(database), 1),
            "count": count,
            "estimated": paginator.estimated,
        }
        results["cases"][name] = row
        shown = f"{'~' if row['estimated'] else ''}{count:,}"
        print(
            f"{name:<30}{row['median_ms']:>9} ms{row['max_ms']:>9} ms"
            f"{row['queries_median_ms']:>9} ms  {shown}"
        )
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
