"""Answering a query: segment it, read the packed postings of its terms (one row each, see
`search/postings.py`), intersect them with NumPy and the filters' postings, rank by BM25, and
cut highlighted snippets for the page shown only. The same on SQLite and PostgreSQL.

tf counts a title occurrence TITLE_WEIGHT times. A document must hold every term of the query;
when none does, the documents holding any of them are ranked instead and the page says so.
Quoted phrases are checked in the stored text of the documents holding all their terms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, StrIndex
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
    intersect,
    term_scores,
    top,
    union,
    unpack,
)
from jinqi.search.segmentation import normalise, query_terms

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


def search(
    text: str, filters: Filters = Filters(), page: int = 1, page_size: int = PAGE_SIZE
) -> Results:
    """The page `page` of the documents answering `text`, best first, with snippets."""
    query = parse(text)
    results = Results(query=query, page=page)
    if not query.terms:
        return results
    index = _Index.read(query.terms, filters)
    if index is None:
        return results
    offset = (max(page, 1) - 1) * page_size
    ranked = _Ranked.empty()
    if len(index.postings) == len(query.terms):
        ranked = index.ranked(query, require_all=True)
    if (
        not ranked.total
        and (len(index.postings) > 1 or len(index.postings) < len(query.terms))
        and not query.phrases
    ):
        ranked = index.ranked(query, require_all=False)
        results.partial = bool(ranked.total)
    if not ranked.total:
        return results
    results.total = ranked.total
    results.pages = math.ceil(results.total / page_size)
    chosen = top(ranked.documents, ranked.scores, offset + page_size)[offset:]
    rows = [(int(ranked.documents[i]), float(ranked.scores[i])) for i in chosen]
    documents = Document.objects.in_bulk([pk for pk, _score in rows])
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
    """Every key of `kind` holding all the query's terms (for saved searches), unranked."""
    query = parse(text)
    if not query.terms:
        return []
    filters = Filters(kind, filters.department, filters.delivery, filters.industry)
    index = _Index.read(query.terms, filters)
    if index is None or len(index.postings) < len(query.terms):
        return []
    ranked = index.ranked(query, require_all=True)
    ids = [int(pk) for pk in ranked.documents]
    return list(Document.objects.filter(pk__in=ids).values_list("key", flat=True))


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
    """What a query needs from the index: its terms' postings, the filters' document sets
    and the corpus totals, read in two queries."""

    postings: dict[str, Postings]  # the query's terms found in the index
    df: dict[str, int]
    filters: list[IdArray]  # one per active filter: the documents passing it
    documents: int
    average_length: float

    @classmethod
    def read(cls, terms: list[str], filters: Filters) -> _Index | None:
        corpus = Corpus.objects.filter(pk=1).values_list("documents", "total_length").first()
        if not corpus or not corpus[0]:
            return None
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
        postings: dict[str, Postings] = {}
        df: dict[str, int] = {}
        passing: dict[tuple[str, str], IdArray] = {}
        for kind_of, term, count, documents, frequencies, lengths in Term.objects.filter(
            wanted
        ).values_list("field", "text", "df", "documents", "frequencies", "lengths"):
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

    def ranked(self, query: ParsedQuery, *, require_all: bool) -> _Ranked:
        """Every document holding all the terms (or any, unless `require_all`), passing the
        filters and holding the phrases, with its BM25 score."""
        scored = [
            (p.documents, term_scores(p, idf(self.documents, self.df[t]), self.average_length))
            for t, p in self.postings.items()
        ]
        if require_all:
            scored.sort(key=lambda part: part[0].size)  # the rarest term first: less to carry
            documents, scores = scored[0]
            for other, other_scores in scored[1:]:
                documents, scores = intersect(documents, scores, other, other_scores)
        else:
            documents, scores = union(scored)
        for passing in sorted(self.filters, key=lambda ids: ids.size):
            documents, scores = intersect(documents, scores, passing)
        if query.phrases and documents.size:
            keep = np.isin(documents, _holding_phrases(documents, query.phrases))
            documents, scores = documents[keep], scores[keep]
        return _Ranked(documents, scores)


_PHRASE_BATCH = 500


def _holding_phrases(documents: IdArray, phrases: list[str]) -> list[int]:
    """Which of `documents` hold every phrase as typed, in their title or text: the database
    searches the stored text (STRPOS/INSTR), in batches of ids. LOWER() only for a phrase
    with cased letters: it triples the cost, and cannot change whether a phrase without any
    (Chinese, digits, punctuation) is found."""
    positions: dict[str, StrIndex] = {}
    condition = Q()
    for n, phrase in enumerate(normalise(p) for p in phrases):
        cased = phrase != phrase.upper()
        for column in ("title", "body"):
            text = Lower(column) if cased else F(column)
            positions[f"{column}_{n}"] = StrIndex(text, Value(phrase))
        condition &= Q(**{f"title_{n}__gt": 0}) | Q(**{f"body_{n}__gt": 0})
    holding = Document.objects.alias(**positions).filter(condition)
    found: list[int] = []
    for start in range(0, documents.size, _PHRASE_BATCH):
        ids = documents[start : start + _PHRASE_BATCH].tolist()
        found += holding.filter(pk__in=ids).values_list("pk", flat=True)
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
