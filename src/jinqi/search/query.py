"""Answering a query: segment it, read the packed postings of its terms (one row each, see
`search/postings.py`), intersect them with NumPy and the filters' postings, rank by BM25, and
cut highlighted snippets for the page shown only. The same on SQLite and PostgreSQL.

tf counts a title occurrence TITLE_WEIGHT times. A document must hold every term of the query;
when none does, the documents holding any of them are ranked instead and the page says so.
Quoted phrases narrow the candidates to the documents holding every pair of adjacent
characters of the phrase (character-pair terms of the index), then are looked for in the text
of the best candidates only, until the page is full (docs/adr/0006-search.md).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jinqi.search.enums import TermField
from jinqi.search.models import Corpus, Document, Term
from jinqi.search.postings import (
    DTYPE,
    IdArray,
    Postings,
    ScoreArray,
    idf,
    locate,
    term_scores,
    top,
    union,
    unpack,
)
from jinqi.search.segmentation import bigrams, normalise, query_terms

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
    estimated: bool = False  # the total is an estimate (phrases checked in the best only)


def parse(text: str) -> ParsedQuery:
    phrases = [next(g for g in m.groups() if g).strip() for m in _PHRASE.finditer(text)]
    return ParsedQuery(text=text, terms=query_terms(text), phrases=[p for p in phrases if p])


def search(
    text: str, filters: Filters = Filters(), page: int = 1, page_size: int = PAGE_SIZE
) -> Results:
    """The page `page` of the documents answering `text`, best first, with snippets."""
    query = parse(text)
    results = Results(query=query, page=page)
    if not query.terms:
        return results
    index = _Index.read(query, filters)
    if index is None:
        return results
    offset = (max(page, 1) - 1) * page_size
    ranked = _Ranked.empty()
    if len(index.postings) == len(query.terms):
        ranked = index.ranked(require_all=True)
    if (
        not ranked.total
        and (len(index.postings) > 1 or len(index.postings) < len(query.terms))
        and not query.phrases
    ):
        ranked = index.ranked(require_all=False)
        results.partial = bool(ranked.total)
    if not ranked.total:
        return results
    if query.phrases:
        chosen, results.total, results.estimated = _phrase_page(
            ranked, query.phrases, offset, page_size
        )
    else:
        chosen = top(ranked.documents, ranked.scores, offset + page_size)[offset:].tolist()
        results.total = ranked.total
    if not results.total:
        return results
    results.pages = math.ceil(results.total / page_size)
    rows = [(int(ranked.documents[i]), float(ranked.scores[i])) for i in chosen]
    documents = Document.objects.defer("term_ids").in_bulk([pk for pk, _score in rows])
    marks = _marks(query)
    results.hits = [
        Hit(
            document=documents[pk],
            score=score,
            title_html=highlight(documents[pk].title, marks),
            snippet_html=highlight(snippet(documents[pk].body, marks), marks),
        )
        for pk, score in rows
        if pk in documents
    ]
    return results


def matching_keys(text: str, filters: Filters, kind: str) -> list[str]:
    """Every key of `kind` holding all the query's terms and phrases (for saved searches),
    unranked: every candidate's text is checked, the count is exact."""
    query = parse(text)
    if not query.terms:
        return []
    filters = Filters(kind, filters.department, filters.delivery, filters.industry)
    index = _Index.read(query, filters)
    if index is None or len(index.postings) < len(query.terms):
        return []
    ids = index.ranked(require_all=True).documents.tolist()
    if query.phrases:
        held = set()
        for start in range(0, len(ids), _PHRASE_BATCH_MAX):
            held |= _holding_phrases(ids[start : start + _PHRASE_BATCH_MAX], query.phrases)
        ids = [pk for pk in ids if pk in held]
    return list(Document.objects.filter(pk__in=ids).values_list("key", flat=True))


# Quoted phrases are checked in the candidates' text best first, in batches growing from
# _PHRASE_BATCH_MIN to _PHRASE_BATCH_MAX, until the page asked for is full; the rest are not
# read, and the total is then estimated from the share of the checked candidates holding them.
_PHRASE_BATCH_MIN = 16
_PHRASE_BATCH_MAX = 1000


def _phrase_page(
    ranked: _Ranked, phrases: list[str], offset: int, page_size: int
) -> tuple[list[int], int, bool]:
    """The positions (in `ranked`) of the page's documents holding every phrase, best first;
    the total (exact when every candidate was checked, else estimated); whether estimated."""
    needed = offset + page_size
    holding: list[int] = []
    checked = 0
    batch = max(needed + needed // 2, _PHRASE_BATCH_MIN)
    while checked < ranked.total and len(holding) < needed:
        order = top(ranked.documents, ranked.scores, checked + batch)[checked:]
        found = _holding_phrases(ranked.documents[order].tolist(), phrases)
        holding += [int(i) for i in order if int(ranked.documents[i]) in found]
        checked += order.size
        batch = min(2 * batch, _PHRASE_BATCH_MAX)
    if checked >= ranked.total:
        return holding[offset:needed], len(holding), False
    estimate = max(len(holding), round(len(holding) * ranked.total / checked))
    return holding[offset:needed], estimate, estimate > len(holding)


@dataclass(frozen=True)
class _Ranked:
    documents: IdArray  # sorted
    scores: ScoreArray

    @property
    def total(self) -> int:
        return int(self.documents.size)

    @classmethod
    def empty(cls) -> _Ranked:
        return cls(np.empty(0, DTYPE), np.empty(0, np.float64))


@dataclass(frozen=True)
class _Index:
    """What a query needs from the index: its terms' postings, the document sets of its
    filters and of its phrases' character pairs, and the corpus totals, read in two queries."""

    postings: dict[str, Postings]  # the query's terms found in the index
    df: dict[str, int]
    filters: list[IdArray]  # one per active filter and per phrase pair: the documents passing
    documents: int
    average_length: float

    @classmethod
    def read(cls, query: ParsedQuery, filters: Filters) -> _Index | None:
        corpus = Corpus.objects.filter(pk=1).values_list("documents", "total_length").first()
        if not corpus or not corpus[0]:
            return None
        terms = query.terms
        wanted = Q(field=TermField.TEXT, text__in=terms)
        active = [
            (term_field, value)
            for term_field, value in (
                (TermField.KIND, filters.kind),
                (TermField.DEPARTMENT, filters.department),
                (TermField.DELIVERY, filters.delivery),
                (TermField.INDUSTRY, filters.industry[:1]),
            )
            if value
        ]
        for term_field, value in active:
            wanted |= Q(field=term_field, text=value)
        pairs = sorted(set().union(*(bigrams(p) for p in query.phrases)))
        if pairs:
            wanted |= Q(field=TermField.BIGRAM, text__in=pairs)
            active += [(TermField.BIGRAM, pair) for pair in pairs]
        postings: dict[str, Postings] = {}
        df: dict[str, int] = {}
        passing: dict[tuple[str, str], IdArray] = {}
        for kind_of, term, count, documents, frequencies, lengths in _binary_rows(
            Term.objects.filter(wanted).values_list(
                "field", "text", "df", "documents", "frequencies", "lengths"
            )
        ):
            if kind_of == TermField.TEXT:
                postings[term] = Postings.decode(documents, frequencies, lengths)
                df[term] = count
            else:
                passing[(kind_of, term)] = unpack(documents)
        if not postings:
            return None
        empty = np.empty(0, DTYPE)
        return cls(
            postings={t: postings[t] for t in terms if t in postings},  # the order typed
            df=df,
            filters=[passing.get((f.value, v), empty) for f, v in active],
            documents=corpus[0],
            average_length=max(corpus[1] / corpus[0], 1.0),
        )

    def ranked(self, *, require_all: bool) -> _Ranked:
        """Every document holding all the terms (or any, unless `require_all`) and passing
        the filters and phrase pairs, with its BM25 score. The phrases themselves are not
        checked here (see `_phrase_page`)."""
        weights = {t: idf(self.documents, self.df[t]) for t in self.postings}
        if require_all:
            # From the smallest set, terms and filters alike: each step looks the survivors
            # up in the next set (`locate`), and only they are scored, at the end.
            sets: list[tuple[IdArray, str | None]] = [
                (p.documents, t) for t, p in self.postings.items()
            ] + [(ids, None) for ids in self.filters]
            sets.sort(key=lambda item: item[0].size)
            documents = sets[0][0]
            at: dict[str, npt.NDArray[np.intp]] = {}
            if sets[0][1] is not None:
                at[sets[0][1]] = np.arange(documents.size)
            for ids, term in sets[1:]:
                if not documents.size:
                    break
                found = locate(documents, ids)
                keep = found >= 0
                documents = documents[keep]
                at = {t: positions[keep] for t, positions in at.items()}
                if term is not None:
                    at[term] = found[keep]
            if not documents.size:
                return _Ranked.empty()
            scores = np.zeros(documents.size, np.float64)
            for term, positions in at.items():
                scores += term_scores(
                    self.postings[term], weights[term], self.average_length, positions
                )
            return _Ranked(documents, scores)
        documents, scores = union(
            [
                (p.documents, term_scores(p, weights[t], self.average_length))
                for t, p in self.postings.items()
            ]
        )
        for passing in sorted(self.filters, key=lambda ids: ids.size):
            keep = locate(documents, passing) >= 0
            documents, scores = documents[keep], scores[keep]
        return _Ranked(documents, scores)


def _binary_rows(rows: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query. On PostgreSQL they are fetched in the binary format:
    Django's cursor receives bytea as hexadecimal text, twice the bytes and a decoding pass,
    which made reading a common word's row three times slower (docs/PERFORMANCE.md)."""
    if connection.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def _holding_phrases(documents: list[int], phrases: list[str]) -> set[int]:
    """Which of `documents` hold every phrase as typed, in their title or in their text, both
    normalised as the index is (full-width forms folded, lower case): one query reads their
    texts, Python looks for the phrases."""
    wanted = [normalise(p) for p in phrases]
    found: set[int] = set()
    for pk, title, body in Document.objects.filter(pk__in=documents).values_list(
        "pk", "title", "body"
    ):
        title, body = normalise(title), normalise(body)
        if all(p in title or p in body for p in wanted):
            found.add(pk)
    return found


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
