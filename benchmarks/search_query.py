"""Benchmark of search queries (issue 6, "Search"; issue 18 item 5 at 100,000 documents): p50/
p95/p99 latency of the whole query function per database (goal: p99 ≤ 20 ms at 100,000
documents on SQLite and PostgreSQL), the index build time, and a naive baseline.

For each database (a fresh SQLite file; PostgreSQL when its binaries are there, started the way
`benchmarks/registry_import.py` does) a child process migrates a new database, generates the
documents (policy-like Chinese texts from the repository's own sentences with varied numbers,
departments and industries; fixed seed), times `index_rebuild` over them, then times ≥1,000
queries through `jinqi.search.query.search` — segmentation, retrieval, BM25 ranking and the
first page's snippets — in a realistic mix: one to three words, quoted phrases, with and
without filters. The baseline in the same run is a naive scan: every word `icontains` over
title and text (the ORM's LIKE '%…%'), first page, no ranking. Last, the cost of a save: 25
documents re-indexed with a sentence added (their terms' packed rows rewritten).

    uv run python benchmarks/search_query.py                    # SQLite and PostgreSQL
    uv run python benchmarks/search_query.py --databases sqlite --documents 2000
    uv run python benchmarks/search_query.py --documents 100000 \
        --postgres-url postgres://postgres@127.0.0.1:55432/jinqi_bench   # an empty database

The sentences come from the repository alone (`CORPUS`): the action plan's measures
(plans/data), the service guides and answers (demo/guides_content) and the policy catalogue.
The benchmark refuses to run on fewer than 1,000 distinct terms, where latencies would say
little about real text (a handful of sentences makes every term common).

Run as root (PostgreSQL is started as `postgres` through runuser) or as a user who may run
the server binaries. It is a script, not a test.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = 20250601
DEPARTMENTS = (
    "market-regulation",
    "tax-jinshan",
    "human-resources",
    "economy",
    "science",
    "finance",
    "construction",
    "gov-services",
    "commerce",
    "planning-resources",
    "agriculture",
    "transport",
)
DELIVERIES = ("auto_grant", "push", "apply")
INDUSTRIES = "ABCDEFGHIJKLMNOPQRS"
SUBJECTS = (
    "高新技术企业",
    "专精特新中小企业",
    "小型微利企业",
    "科技型中小企业",
    "先进制造业企业",
    "外商投资企业",
    "农业产业化龙头企业",
    "跨境电商企业",
    "生物医药企业",
    "新材料企业",
)
ACTIONS = ("补贴", "奖励", "贴息", "资助", "返还", "减免", "扶持", "专项资金支持")
CORPUS = (
    REPO / "src" / "jinqi" / "plans" / "data" / "jinshan-2022.csv",
    REPO / "src" / "jinqi" / "demo" / "guides_content" / "guides.toml",
    REPO / "src" / "jinqi" / "demo" / "guides_content" / "faqs.toml",
    *sorted((REPO / "src" / "jinqi" / "policies" / "catalogue").glob("*.toml")),
)
PLAN_COLUMNS = ("改革事项", "具体举措")
MIN_TERMS = 1_000


def _sentences_of(text: str) -> list[str]:
    found = [s.strip() + "。" for s in re.split(r"[。；\n]", text) if 12 <= len(s.strip()) <= 160]
    return [s for s in found if re.search(r"[\u4e00-\u9fff]{6}", s)]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def sentences() -> list[str]:
    """The district's own wording, from files in the repository: the plan's measures, the
    guides and answers, the policies' texts; each distinct sentence once, in a fixed order."""
    found: list[str] = []
    for path in CORPUS:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".csv":
            rows = csv.DictReader(io.StringIO(text))
            found += [s for row in rows for c in PLAN_COLUMNS for s in _sentences_of(row[c])]
        else:
            found += [s for value in _strings(tomllib.loads(text)) for s in _sentences_of(value)]
    return list(dict.fromkeys(found))


def corpus_terms(pool: list[str]) -> int:
    """The distinct index terms of the sentences (as the index segments them)."""
    from jinqi.search.segmentation import tokens

    return len({term for sentence in pool for term in tokens(sentence)})


def documents(count: int, pool: list[str], rng: random.Random) -> list[dict[str, Any]]:
    made = []
    for n in range(count):
        subject, action = rng.choice(SUBJECTS), rng.choice(ACTIONS)
        year = rng.choice((2023, 2024, 2025, 2026, 2027))
        amount = rng.choice((5, 10, 20, 30, 50, 100, 200, 500))
        body = [
            f"对符合条件的{subject}，给予最高{amount}万元{action}。",
            *rng.sample(pool, k=min(len(pool), rng.randint(3, 9))),
            f"本办法自{year}年{rng.randint(1, 12)}月1日起施行，有效期{rng.randint(1, 5)}年。",
        ]
        made.append(
            {
                "key": str(n + 1),
                "title": f"金山区关于支持{subject}发展的若干措施（{year}）第{n % 97 + 1}号",
                "body": "".join(body),
                "department": rng.choice(DEPARTMENTS),
                "delivery": rng.choice(DELIVERIES),
                "industries": tuple(sorted(set(rng.sample(INDUSTRIES, k=rng.randint(0, 2))))),
            }
        )
    return made


def queries(count: int, pool: list[str], rng: random.Random) -> list[dict[str, Any]]:
    """A mix: one to three words from the texts, quoted phrases, and a third with filters."""
    from jinqi.search.segmentation import query_terms

    words = sorted(
        {w for s in rng.sample(pool, k=min(len(pool), 200)) for w in query_terms(s) if len(w) >= 2}
        | set(SUBJECTS)
        | set(ACTIONS)
    )
    mix = []
    for n in range(count):
        shape = n % 10
        if shape < 4:
            text = rng.choice(words)
        elif shape < 7:
            text = " ".join(rng.sample(words, k=2))
        elif shape < 8:
            text = " ".join(rng.sample(words, k=3))
        else:
            sentence = rng.choice(pool)
            start = rng.randrange(max(len(sentence) - 8, 1))
            text = f"“{sentence[start : start + rng.randint(4, 8)]}”"
        filters: dict[str, str] = {}
        if n % 3 == 0:
            filters = rng.choice(
                (
                    {"department": rng.choice(DEPARTMENTS)},
                    {"delivery": rng.choice(DELIVERIES)},
                    {"industry": rng.choice(INDUSTRIES)},
                    {"kind": "policy", "delivery": rng.choice(DELIVERIES)},
                )
            )
        mix.append({"text": text, "filters": filters})
    return mix


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(int(share * len(ordered)), len(ordered) - 1)] * 1000

    return {
        "p50_ms": round(at(0.50), 2),
        "p95_ms": round(at(0.95), 2),
        "p99_ms": round(at(0.99), 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def child(count: int, query_count: int) -> dict[str, Any]:
    """In a process whose DATABASE_URL names a fresh database: migrate, index, query."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Q, Sum
    from django.db.models.functions import Length

    from jinqi.search.enums import TermField
    from jinqi.search.indexing import document_store, index_rebuild, prepare
    from jinqi.search.models import Document, Term
    from jinqi.search.query import Filters, search
    from jinqi.search.registry import IndexedText

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    pool = sentences()
    docs = documents(count, pool, rng)
    texts = (
        (
            "policy",
            IndexedText(
                key=d["key"],
                title=d["title"],
                body=d["body"],
                url=f"/policies/bench-{d['key']}/",
                department_code=d["department"],
                department_name=d["department"],
                delivery=d["delivery"],
                industries=d["industries"],
            ),
        )
        for d in docs
    )
    started = time.perf_counter()
    indexed = index_rebuild(texts)
    build = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    mix = queries(query_count, pool, random.Random(SEED + 1))
    for item in mix[:50]:  # warm the caches and the segmenter
        search(item["text"], Filters(**item["filters"]))
    times, found = [], 0
    for item in mix:
        started = time.perf_counter()
        results = search(item["text"], Filters(**item["filters"]))
        [str(h.snippet_html) for h in results.hits]
        times.append(time.perf_counter() - started)
        found += bool(results.hits)
    text_terms = Term.objects.filter(field=TermField.TEXT)
    packed = Term.objects.aggregate(
        n=Sum(Length("documents") + Length("frequencies") + Length("lengths"))
    )["n"]
    sizes = {  # before the updates below change them
        "terms": text_terms.count(),
        "postings": text_terms.aggregate(n=Sum("df"))["n"],
        "packed_mb": round((packed or 0) / 2**20, 1),
    }
    updates = []
    for n, d in enumerate(rng.sample(docs, k=min(30, len(docs)))):
        # A saved policy whose text changed: its old and new terms' packed rows rewritten.
        changed = IndexedText(
            key=d["key"],
            title=d["title"],
            body=d["body"] + rng.choice(pool),
            url=f"/policies/bench-{d['key']}/",
            department_code=d["department"],
            department_name=d["department"],
            delivery=d["delivery"],
            industries=d["industries"],
        )
        started = time.perf_counter()
        with transaction.atomic():
            document_store("policy", prepare(changed), Document.objects.get(key=d["key"]))
        if n >= 5:  # the first few warm up
            updates.append(time.perf_counter() - started)
    naive = []
    for item in mix[: min(300, len(mix))]:
        started = time.perf_counter()
        words = [w for w in re.split(r"[\s“”]+", item["text"]) if w]
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(body__icontains=word)
        page = Document.objects.filter(
            condition,
            **{
                {"department": "department_code"}.get(k, k): v
                for k, v in item["filters"].items()
                if k != "industry"
            },
        )
        list(page.values("id", "title", "body")[:10])
        naive.append(time.perf_counter() - started)
    return {
        "vendor": connection.vendor,
        "documents": indexed,
        "corpus_sentences": len(pool),
        "corpus_terms": corpus_terms(pool),
        **sizes,
        "build_s": round(build, 2),
        "queries": len(times),
        "queries_with_results": found,
        "search": percentiles(times),
        "naive_icontains": {**percentiles(naive), "queries": len(naive)},
        "document_update": {**percentiles(updates), "updates": len(updates)},
    }


def run_child(database_url: str, home: Path, count: int, query_count: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINQI_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url,
        JINQI_HOME=str(home),
        DJANGO_SETTINGS_MODULE="jinqi.settings.base",
    )
    home.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(count), str(query_count)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        help="an existing, empty PostgreSQL database to use instead of starting a server",
    )
    parser.add_argument(
        "--output", type=Path, default=REPO / "benchmarks" / "results" / "search_query.json"
    )
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    pool = sentences()
    terms = corpus_terms(pool)
    if terms < MIN_TERMS:
        sys.exit(
            f"the corpus has {terms} distinct terms, fewer than {MIN_TERMS}: latencies over so "
            "small a vocabulary say nothing about real text; check CORPUS"
        )
    print(f"corpus: {len(pool)} sentences, {terms} distinct terms", file=sys.stderr)
    sys.path.insert(0, str(REPO / "benchmarks"))
    from registry_import import PostgresServer, machine

    results = []
    with tempfile.TemporaryDirectory(prefix="jinqi-search-bench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # the postgres user reaches its data directory inside
        if "sqlite" in args.databases:
            results.append(
                run_child(
                    f"sqlite:///{work / 'bench.sqlite3'}",
                    work / "home-sqlite",
                    args.documents,
                    args.queries,
                )
            )
        pg_bin = None
        if "postgresql" in args.databases and args.postgres_url:
            results.append(
                run_child(args.postgres_url, work / "home-pg", args.documents, args.queries)
            )
        elif "postgresql" in args.databases:
            try:
                server = PostgresServer(work)
            except SystemExit as missing:
                print(f"PostgreSQL skipped: {missing}", file=sys.stderr)
            else:
                pg_bin = server.bin
                server.start()
                try:
                    server.create_database("search_bench")
                    results.append(
                        run_child(
                            server.url("search_bench"),
                            work / "home-pg",
                            args.documents,
                            args.queries,
                        )
                    )
                finally:
                    server.stop()
        report = {
            "date": time.strftime("%Y-%m-%d"),
            "command": "uv run python benchmarks/search_query.py "
            + f"--documents {args.documents} --queries {args.queries} --databases {args.databases}"
            + (" --postgres-url …" if args.postgres_url else ""),
            "machine": machine(pg_bin),
            "results": results,
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    target = args.output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
