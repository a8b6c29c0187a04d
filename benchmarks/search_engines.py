"""The databases' own full-text engines over jieba-segmented text, measured against the packed
postings of ADR 0006 (issue 18 item 5): the same documents and query mix as
`benchmarks/search_query.py`, at its sizes, without Django.

- SQLite FTS5: one virtual table (title, body, tags); the text pre-segmented with the search
  app's own `tokens()` and joined with spaces, so FTS5's unicode61 tokenizer sees jieba's words;
  filters are tokens of the `tags` column; BM25 from FTS5 (`bm25(t, 3, 1, 0)`: a title counts
  three times, as ours), the page by `ORDER BY rank LIMIT 10`, the total by `count(*)`.
- PostgreSQL: `tsvector` built from the token arrays (`array_to_tsvector`, no parser, so no
  locale can cut Chinese differently), title weight A, a GIN index; the page by `ts_rank`
  ordered, the total by `count(*)`.
Quoted phrases: every term of the phrase through the index, then the phrase looked for in the
stored text of those candidates (ours does the same).

    uv run python benchmarks/search_engines.py --documents 100000 \\
        --postgres-url postgres://postgres@127.0.0.1:55432/jinqi_bench   # an empty database

It writes `benchmarks/results/issue18/search_engines-<documents>.json`. A probe to choose an
engine, not the search app: the winner goes behind `jinqi.search.query.search`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from search_query import SEED, documents, percentiles, queries, sentences

from jinqi.search.segmentation import query_terms, tokens

REPO = Path(__file__).resolve().parent.parent
PAGE = 10
TAG = {"department": "dep", "delivery": "dlv", "industry": "ind", "kind": "knd"}


@cache
def _cut(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


def _tags(doc: dict[str, Any]) -> list[str]:
    marks = [f"knd{'policy'}", f"dep{doc['department']}", f"dlv{doc['delivery']}"]
    marks += [f"ind{i}" for i in doc["industries"]]
    return [m.replace("-", "").replace("_", "") for m in marks]


def _segmented(doc: dict[str, Any], pool: set[str]) -> tuple[list[str], list[str]]:
    """Title and body tokens; the body cut sentence by sentence (the corpus sentences are
    shared across documents, so each is segmented once)."""
    body: list[str] = []
    for piece in doc["body"].split("。"):
        if piece:
            body += _cut(piece + "。") if piece + "。" in pool else tokens(piece + "。")
    return list(_cut(doc["title"])), body


def _filter_tags(filters: dict[str, str]) -> list[str]:
    return [
        f"{TAG[k]}{v[:1] if k == 'industry' else v}".replace("-", "").replace("_", "")
        for k, v in filters.items()
    ]


def _phrases(text: str) -> list[str]:
    return [text.strip("“”")] if text.startswith("“") else []


def _time(mix: list[dict[str, Any]], run: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    for item in mix[:50]:
        run(item)
    times, found = [], 0
    for item in mix:
        started = time.perf_counter()
        found += run(item)
        times.append(time.perf_counter() - started)
    return {**percentiles(times), "queries": len(times), "queries_with_results": found}


def sqlite_fts5(docs: list[dict[str, Any]], pool: set[str], mix: list[dict[str, Any]]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "fts.sqlite3")
        db.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
        db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, tags, "
            "tokenize='unicode61 remove_diacritics 0')"
        )
        started = time.perf_counter()
        with db:
            for n, doc in enumerate(docs, start=1):
                title, body = _segmented(doc, pool)
                db.execute("INSERT INTO raw VALUES (?, ?, ?)", (n, doc["title"], doc["body"]))
                db.execute(
                    "INSERT INTO fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)",
                    (n, " ".join(title), " ".join(body), " ".join(_tags(doc))),
                )
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        build = time.perf_counter() - started

        def quoted(terms: list[str]) -> list[str]:
            return ['"' + t.replace('"', '""') + '"' for t in terms]

        def run(item: dict[str, Any]) -> bool:
            terms = query_terms(item["text"])
            if not terms:
                return False
            tags = " AND ".join(f"tags:{t}" for t in _filter_tags(item["filters"]))
            phrases = _phrases(item["text"])
            where = "fts MATCH ?"
            args: list[Any] = []
            if phrases:
                where += (
                    " AND (SELECT instr(body, ?) OR instr(title, ?) FROM raw WHERE id = fts.rowid)"
                )
                args = [phrases[0], phrases[0]]
            match = " AND ".join(quoted(terms)) + (f" AND {tags}" if tags else "")
            total = db.execute(f"SELECT count(*) FROM fts WHERE {where}", [match, *args])
            count = total.fetchone()[0]
            if not count and len(terms) > 1 and not phrases:
                match = "(" + " OR ".join(quoted(terms)) + ")" + (f" AND {tags}" if tags else "")
                count = db.execute(f"SELECT count(*) FROM fts WHERE {where}", [match]).fetchone()[0]
            if not count:
                return False
            page = db.execute(
                f"SELECT rowid, bm25(fts, 3.0, 1.0, 0.0) AS score FROM fts WHERE {where} "
                f"ORDER BY score LIMIT {PAGE}",
                [match, *args],
            ).fetchall()
            rows = db.execute(
                f"SELECT title, body FROM raw WHERE id IN ({','.join('?' * len(page))})",
                [r[0] for r in page],
            ).fetchall()
            return bool(rows)

        result = _time(mix, run)
        size = (Path(tmp) / "fts.sqlite3").stat().st_size
        db.close()
    return {"engine": "sqlite-fts5", "build_s": round(build, 1), "size_mb": size >> 20, **result}


def postgres_tsvector(
    docs: list[dict[str, Any]], pool: set[str], mix: list[dict[str, Any]], url: str
) -> dict:
    import psycopg

    db = psycopg.connect(url, autocommit=True)
    db.execute("DROP TABLE IF EXISTS probe_docs")
    db.execute(
        "CREATE TABLE probe_docs (id integer PRIMARY KEY, title text, body text, tsv tsvector)"
    )
    started = time.perf_counter()
    with db.cursor().copy("COPY probe_docs (id, title, body, tsv) FROM STDIN") as copy:
        for n, doc in enumerate(docs, start=1):
            title, body = _segmented(doc, pool)
            lexemes = [f"'{t.replace(chr(39), chr(39) * 2)}'" for t in (*body, *_tags(doc))]
            titled = [f"'{t.replace(chr(39), chr(39) * 2)}':1A" for t in title]
            copy.write_row((n, doc["title"], doc["body"], " ".join([*titled, *lexemes])))
    db.execute("CREATE INDEX probe_docs_tsv ON probe_docs USING gin (tsv)")
    db.execute("ANALYZE probe_docs")
    build = time.perf_counter() - started

    def lexeme(term: str) -> str:
        return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"

    def run(item: dict[str, Any]) -> bool:
        terms = query_terms(item["text"])
        if not terms:
            return False
        tags = [lexeme(t) for t in _filter_tags(item["filters"])]
        phrases = _phrases(item["text"])
        extra = " AND (strpos(body, %s) > 0 OR strpos(title, %s) > 0)" if phrases else ""
        args = [phrases[0], phrases[0]] if phrases else []
        query = " & ".join([lexeme(t) for t in terms] + tags)
        count = db.execute(
            f"SELECT count(*) FROM probe_docs WHERE tsv @@ %s::tsquery{extra}", [query, *args]
        ).fetchone()[0]
        if not count and len(terms) > 1 and not phrases:
            query = "(" + " | ".join(lexeme(t) for t in terms) + ")"
            query += "".join(f" & {t}" for t in tags)
            count = db.execute(
                "SELECT count(*) FROM probe_docs WHERE tsv @@ %s::tsquery", [query]
            ).fetchone()[0]
        if not count:
            return False
        rows = db.execute(
            f"SELECT id, title, body, ts_rank(tsv, %s::tsquery) AS score FROM probe_docs "
            f"WHERE tsv @@ %s::tsquery{extra} ORDER BY score DESC, id LIMIT {PAGE}",
            [query, query, *args],
        ).fetchall()
        return bool(rows)

    result = _time(mix, run)
    size = db.execute("SELECT pg_total_relation_size('probe_docs')").fetchone()[0]
    db.execute("DROP TABLE probe_docs")
    db.close()
    return {
        "engine": "postgresql-tsvector-gin",
        "build_s": round(build, 1),
        "size_mb": size >> 20,
        **result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database (else SQLite only)")
    args = parser.parse_args()
    pool = sentences()
    docs = documents(args.documents, pool, random.Random(SEED))
    mix = queries(args.queries, pool, random.Random(SEED + 1))
    pool_set = set(pool)
    results = [sqlite_fts5(docs, pool_set, mix)]
    print(json.dumps(results[-1]), file=sys.stderr)
    if args.postgres_url:
        results.append(postgres_tsvector(docs, pool_set, mix, args.postgres_url))
        print(json.dumps(results[-1]), file=sys.stderr)
    loadavg = Path("/proc/loadavg").read_text().split()[:3]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": f"uv run python benchmarks/search_engines.py --documents {args.documents}",
        "load_average": loadavg,
        "documents": args.documents,
        "results": results,
    }
    target = REPO / "benchmarks" / "results" / "issue18" / f"search_engines-{args.documents}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
