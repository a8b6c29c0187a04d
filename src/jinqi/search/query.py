"""Answering a query: segment it, rank the documents holding its terms with BM25 in SQL (the
same statement on SQLite and PostgreSQL), and cut highlighted snippets for the page shown.

BM25 (Robertson–Spärck Jones, Lucene's variant of the IDF):
    score(d) = Σ_t idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·len(d)/avglen))
    idf(t)   = ln(1 + (N − df + 0.5) / (df + 0.5))
k1 = 1.2 (how fast repeating a term stops adding to the score) and b = 0.75 (how much a long
document is discounted), the usual defaults. tf counts a title occurrence TITLE_WEIGHT times.
A document must hold every term of the query; when none does, the documents holding any of
them are ranked instead and the page says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jinqi.search.models import Corpus, Document, Posting, Term
from jinqi.search.segmentation import normalise, query_terms

K1 = 1.2
B = 0.75
PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200
SNIPPET_LENGTH = 120
# Quoted phrases must appear as typed: "…", “…”, 「…」 or 『…』.
_PHRASE = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』')


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    department: str = ""
    delivery: str = ""
    industry: str = ""

    def active(self) -> bool:
        return any((self.kind, self.department, self.delivery, self.industry))


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: list[str]
    phrases: list[str]


@dataclass
class Hit:
    document: Document
    score: float
    title_html: SafeString
    snippet_html: SafeString
    note: Any = None
    kind_label: Any = ""


@dataclass
class Results:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    partial: bool = False  # no document holds every term: those holding some are shown


def parse(text: str) -> ParsedQuery:
    phrases = [next(g for g in m.groups() if g).strip() for m in _PHRASE.finditer(text)]
    return ParsedQuery(text=text, terms=query_terms(text), phrases=[p for p in phrases if p])


def idf(documents: int, df: int) -> float:
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def search(
    text: str, filters: Filters = Filters(), page: int = 1, page_size: int = PAGE_SIZE
) -> Results:
    """The page `page` of the documents answering `text`, best first, with snippets."""
    query = parse(text)
    results = Results(query=query, page=page)
    if not query.terms:
        return results
    found = dict(
        (t, (pk, df))
        for t, pk, df in Term.objects.filter(text__in=query.terms).values_list("text", "id", "df")
    )
    corpus = Corpus.objects.filter(pk=1).values_list("documents", "total_length").first()
    if not found or not corpus or not corpus[0]:
        return results
    offset = (max(page, 1) - 1) * page_size
    rows: list[tuple[int, float, int]] = []
    if len(found) == len(query.terms):
        rows = _ranked(
            query, found, corpus, filters, require_all=True, limit=page_size, offset=offset
        )
    if not rows and (len(found) > 1 or len(found) < len(query.terms)) and not query.phrases:
        rows = _ranked(
            query, found, corpus, filters, require_all=False, limit=page_size, offset=offset
        )
        results.partial = bool(rows)
    if not rows:
        return results
    results.total = rows[0][2]
    results.pages = math.ceil(results.total / page_size)
    documents = Document.objects.in_bulk([r[0] for r in rows])
    marks = _marks(query)
    results.hits = [
        Hit(
            document=documents[pk],
            score=score,
            title_html=highlight(documents[pk].title, marks),
            snippet_html=highlight(snippet(documents[pk].body, marks), marks),
        )
        for pk, score, _total in rows
        if pk in documents
    ]
    return results


def matching_keys(text: str, filters: Filters, kind: str) -> list[str]:
    """Every key of `kind` holding all the query's terms (for saved searches), unranked."""
    query = parse(text)
    found = {
        t: (pk, df)
        for t, pk, df in Term.objects.filter(text__in=query.terms).values_list("text", "id", "df")
    }
    corpus = Corpus.objects.filter(pk=1).values_list("documents", "total_length").first()
    if not query.terms or len(found) < len(query.terms) or not corpus or not corpus[0]:
        return []
    rows = _ranked(
        query,
        found,
        corpus,
        Filters(kind, filters.department, filters.delivery, filters.industry),
        require_all=True,
        limit=None,
        offset=0,
    )
    return list(Document.objects.filter(pk__in=[r[0] for r in rows]).values_list("key", flat=True))


def _ranked(
    query: ParsedQuery,
    found: dict[str, tuple[int, int]],
    corpus: tuple[int, int],
    filters: Filters,
    *,
    require_all: bool,
    limit: int | None,
    offset: int,
) -> list[tuple[int, float, int]]:
    """(document id, score, total matching) rows, best first, from one SQL statement."""
    documents, total_length = corpus
    average = max(total_length / documents, 1.0)
    posting, document = Posting._meta.db_table, Document._meta.db_table
    weights = " ".join("WHEN %s THEN %s" for _ in found)
    params: list[Any] = []
    for pk, df in found.values():
        params += [pk, idf(documents, df)]
    params += [K1 + 1, K1, 1 - B, B / average]
    # Table names come from the models; every value is a parameter.
    sql = (
        f"SELECT p.document_id, SUM((CASE p.term_id {weights} END) * p.tf * %s"
        f" / (p.tf + %s * (%s + %s * p.length))) AS score, COUNT(*) OVER () AS total"
        f" FROM {posting} p"
    )
    where = [f"p.term_id IN ({', '.join('%s' for _ in found)})"]
    params_where: list[Any] = [pk for pk, _df in found.values()]
    if filters.active() or query.phrases:
        sql += f" JOIN {document} d ON d.id = p.document_id"
        for column, value in (
            ("kind", filters.kind),
            ("department_code", filters.department),
            ("delivery", filters.delivery),
        ):
            if value:
                where.append(f"d.{column} = %s")
                params_where.append(value)
        if filters.industry:
            where.append("d.industries LIKE %s")
            params_where.append(f"%|{filters.industry[:1]}|%")
        for phrase in query.phrases:
            where.append(
                "(LOWER(d.title) LIKE %s ESCAPE '\\' OR LOWER(d.body) LIKE %s ESCAPE '\\')"
            )
            pattern = "%" + _like_escape(normalise(phrase)) + "%"
            params_where += [pattern, pattern]
    sql += " WHERE " + " AND ".join(where) + " GROUP BY p.document_id"
    if require_all:
        sql += " HAVING COUNT(*) = %s"
        params_where.append(len(found))
    sql += " ORDER BY score DESC, p.document_id"
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params_where += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params_where)
        return [(int(r[0]), float(r[1]), int(r[2])) for r in cursor.fetchall()]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _marks(query: ParsedQuery) -> re.Pattern[str] | None:
    """What to highlight: the phrases and the terms, longest first so 一网通办 wins over 网通."""
    whole = "".join(query.text.split())
    words = sorted({whole, *query.phrases, *query.terms} - {""}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def snippet(text: str, marks: re.Pattern[str] | None, length: int = SNIPPET_LENGTH) -> str:
    """A window of `text` around the longest highlighted run, the first of them (the text's
    start when nothing is highlighted): a phrase typed whole is shown where it stands."""
    text = " ".join(text.split())
    found = max(marks.finditer(text), key=lambda m: len(m.group()), default=None) if marks else None
    start = max(found.start() - length // 4, 0) if found else 0
    cut = text[start : start + length]
    return ("…" if start else "") + cut + ("…" if start + length < len(text) else "")


def highlight(text: str, marks: re.Pattern[str] | None) -> SafeString:
    """The text escaped, with the query's words wrapped in <mark>. Only our tags are unescaped."""
    if marks is None:
        return mark_safe(escape(text))  # escaped just here
    out: list[str] = []
    end = 0
    for found in marks.finditer(text):
        out.append(escape(text[end : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        end = found.end()
    out.append(escape(text[end:]))
    # Words found side by side read as one highlighted run.
    return mark_safe("".join(out).replace("</mark><mark>", ""))  # every piece of text escaped above
