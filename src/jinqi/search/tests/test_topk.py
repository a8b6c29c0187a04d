"""The query against an exhaustive oracle: on random corpora, the page of `search` is the best
documents by BM25 computed in Python from the texts alone — every term held, filters met,
quoted phrases found — in the same order, with the same scores and the same total."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinqi.search import query as query_module
from jinqi.search.indexing import TITLE_WEIGHT, index_rebuild
from jinqi.search.models import Document
from jinqi.search.postings import K1, B, idf
from jinqi.search.query import Filters, parse, search
from jinqi.search.registry import IndexedText
from jinqi.search.segmentation import normalise, tokens

pytestmark = pytest.mark.django_db

WORDS = (
    "企业",
    "补贴",
    "公积金",
    "登记",
    "税务",
    "申报",
    "园区",
    "人才",
    "资金",
    "科技",
    "ISO",
    "９",
)
DEPARTMENTS = ("economy", "finance", "science")
DELIVERIES = ("", "push", "apply")
PAGE = 4

_text = st.lists(st.sampled_from((*WORDS, "，", "的")), min_size=0, max_size=12).map("".join)
_document = st.fixed_dictionaries(
    {
        "title": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("".join),
        "body": _text,
        "department": st.sampled_from(DEPARTMENTS),
        "delivery": st.sampled_from(DELIVERIES),
        "industries": st.lists(st.sampled_from("ABC"), max_size=2, unique=True).map(
            lambda x: tuple(sorted(x))
        ),
    }
)
_filters = st.fixed_dictionaries(
    {},
    optional={
        "department": st.sampled_from(DEPARTMENTS),
        "delivery": st.sampled_from(DELIVERIES[1:]),
        "industry": st.sampled_from("ABC"),
    },
)


def _oracle(docs: list[dict[str, Any]], pks: list[int], text: str, filters: dict[str, str]) -> Any:
    """Every matching document's (pk, score), best first, by BM25 over the texts; and whether
    the match is partial (no document held every term)."""
    query = parse(text)
    counts = []
    for doc in docs:
        held = Counter(tokens(doc["body"]))
        for term in tokens(doc["title"]):
            held[term] += TITLE_WEIGHT
        counts.append(held)
    lengths = [max(sum(c.values()), 1) for c in counts]
    average = max(sum(lengths) / len(lengths), 1.0)
    df = {t: sum(t in c for c in counts) for t in query.terms}
    phrases = [normalise(p) for p in query.phrases]

    def passes(doc: dict[str, Any]) -> bool:
        return (
            filters.get("department", doc["department"]) == doc["department"]
            and filters.get("delivery", doc["delivery"]) == doc["delivery"]
            and ("industry" not in filters or filters["industry"] in doc["industries"])
        )

    def ranked(require_all: bool) -> list[tuple[int, float]]:
        found = []
        for doc, held, length, pk in zip(docs, counts, lengths, pks, strict=True):
            present = [t for t in query.terms if t in held]
            if not present or (require_all and len(present) < len(query.terms)):
                continue
            if not passes(doc):
                continue
            if require_all and not all(
                p in normalise(doc["title"]) or p in normalise(doc["body"]) for p in phrases
            ):
                continue
            norm = K1 * (1 - B + B * length / average)
            score = sum(
                idf(len(docs), df[t]) * held[t] * (K1 + 1) / (held[t] + norm) for t in present
            )
            found.append((pk, score))
        return sorted(found, key=lambda item: (-item[1], item[0]))

    every = ranked(True)
    if not every and not phrases and len(query.terms) > 1:
        return ranked(False), True
    return every, False


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    docs=st.lists(_document, min_size=1, max_size=40),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    phrase=st.one_of(
        st.none(), st.tuples(st.integers(0, 39), st.integers(0, 30), st.integers(1, 6))
    ),
    filters=_filters,
    page=st.integers(1, 3),
)
def test_search_pages_agree_with_exhaustive_bm25(
    docs: list[dict[str, Any]],
    words: list[str],
    phrase: tuple[int, int, int] | None,
    filters: dict[str, str],
    page: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page of results is the slice of the exhaustive ranking: same documents, order,
    scores and total (or, for a phrase whose total is estimated, at least the documents
    found so far). Phrases are checked in batches of one and two, so the estimate is used."""
    monkeypatch.setattr(query_module, "_PHRASE_BATCH_MIN", 1)
    monkeypatch.setattr(query_module, "_PHRASE_BATCH_MAX", 2)
    texts = [
        (
            "guide",
            IndexedText(
                key=str(n),
                title=d["title"],
                body=d["body"],
                url=f"/g/{n}/",
                department_code=d["department"],
                delivery=d["delivery"],
                industries=d["industries"],
            ),
        )
        for n, d in enumerate(docs)
    ]
    index_rebuild(texts)
    pks = [Document.objects.get(key=str(n)).pk for n in range(len(docs))]
    query = " ".join(words)
    if phrase is not None:
        source = docs[phrase[0] % len(docs)]["body"] or docs[phrase[0] % len(docs)]["title"]
        start = phrase[1] % len(source)
        quoted = source[start : start + phrase[2]].strip('“”"「」『』 ')
        if quoted:
            query = f"{query} “{quoted}”"
    expected, partial = _oracle(docs, pks, query, filters)
    results = search(query, Filters(**filters), page=page, page_size=PAGE)
    got = [(h.document.pk, h.score) for h in results.hits]
    want = expected[(page - 1) * PAGE : page * PAGE]
    assert [pk for pk, _ in got] == [pk for pk, _ in want]
    for (_, score), (_, wanted) in zip(got, want, strict=True):
        assert math.isclose(score, wanted, rel_tol=1e-9)
    assert results.partial == (partial and bool(expected))
    if results.estimated:
        assert results.total >= (page - 1) * PAGE + len(got)
    else:
        assert results.total == len(expected)
