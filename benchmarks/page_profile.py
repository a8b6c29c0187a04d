"""Where each page of the load mix spends its time, one request at a time (issue 18): queries per
request, time in the database, and the whole request's median over a few repeats, through
Django's test client in this process against the configured database (JINQI_HOME or
DATABASE_URL, a demo database), each page as the role `benchmarks/page_load.py` uses.

    JINQI_HOME=/tmp/demo uv run python benchmarks/page_profile.py --repeat 20
    JINQI_HOME=/tmp/demo uv run python benchmarks/page_profile.py --page "lead dashboard" --sql

Nothing is written to the database but what the pages themselves write (sessions, audit).
Pages are rendered every time (what a page costs after a write); `--kept` measures them as
served from the page cache instead (docs/adr/0028-page-cache.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinqi.settings.base")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from page_load import MIX, ROLES, SEARCH_TERMS, Page  # noqa: E402

from jinqi.accounts.models import User  # noqa: E402
from jinqi.policies.models import Policy  # noqa: E402


def _clients() -> dict[str, Client]:
    # The demo's allowed hosts, not the test client's "testserver".
    clients = {"public": Client(HTTP_HOST="127.0.0.1")}
    for role, username in ROLES.items():
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(User.objects.get(username=username))
    return clients


def profile(
    page: Page, client: Client, repeat: int, rng: random.Random, policies: list[str]
) -> dict[str, Any]:
    times, db_times, counts = [], [], []
    shapes: Counter[str] = Counter()
    for _ in range(repeat):
        path = page.path.format(
            policy=rng.choice(policies) if policies else "", term=rng.choice(SEARCH_TERMS)
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{page.name} {path}: {response.status_code}")
        times.append(elapsed * 1000)
        db_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        counts.append(len(queries.captured_queries))
        shapes.update(q["sql"][:160] for q in queries.captured_queries)
    return {
        "median_ms": round(statistics.median(times), 1),
        "db_ms": round(statistics.median(db_times), 1),
        "queries": max(counts),
        "repeated": [(n // repeat, sql) for sql, n in shapes.most_common(5) if n > repeat],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--page", help="only this page (its name in the mix)")
    parser.add_argument("--sql", action="store_true", help="show the most repeated queries")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--kept", action="store_true", help="serve the pages from the page cache")
    options = parser.parse_args()
    if not options.kept:
        settings.CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    connection.force_debug_cursor = True  # CaptureQueriesContext times the queries
    clients = _clients()
    rng = random.Random(18)
    policies = list(Policy.objects.published().values_list("code", flat=True))
    results = {}
    print(f"{'page':<24}{'median ms':>10}{'db ms':>8}{'queries':>9}")
    for page in MIX:
        if options.page and page.name != options.page:
            continue
        client = clients[page.role]
        profile(page, client, 1, rng, policies)  # warm: templates, first queries
        row = profile(page, client, options.repeat, rng, policies)
        results[page.name] = row
        print(f"{page.name:<24}{row['median_ms']:>10}{row['db_ms']:>8}{row['queries']:>9}")
        if options.sql:
            for times, sql in row["repeated"]:
                print(f"    ×{times} {sql}")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
