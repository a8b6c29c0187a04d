"""Writing the index: one document on save or delete, or the whole index rebuilt.

Terms are weighted by where they occur: a title term counts TITLE_WEIGHT times (a simple
BM25F). `Term.df` and the `Corpus` totals are kept with F() updates in the same transaction."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from jinqi.core import clock
from jinqi.search.models import Corpus, Document, Posting, Term
from jinqi.search.registry import IndexedText, SearchSource, sources
from jinqi.search.segmentation import tokens

TITLE_WEIGHT = 3
BATCH = 500


@dataclass(frozen=True)
class Prepared:
    text: IndexedText
    counts: Counter[str]
    length: int
    checksum: str


def prepare(text: IndexedText) -> Prepared:
    counts = Counter(tokens(text.body))
    for term in tokens(text.title):
        counts[term] += TITLE_WEIGHT
    digest = hashlib.sha256(
        "\x00".join(
            (
                text.title,
                text.body,
                text.url,
                text.department_code,
                text.department_name,
                text.delivery,
                _industries(text),
            )
        ).encode()
    ).hexdigest()
    return Prepared(text, counts, max(sum(counts.values()), 1), digest)


def _industries(text: IndexedText) -> str:
    return f"|{'|'.join(sorted(text.industries))}|" if text.industries else ""


def _document_fields(prepared: Prepared) -> dict[str, object]:
    text = prepared.text
    return {
        "title": text.title[:300],
        "body": text.body,
        "url": text.url,
        "department_code": text.department_code,
        "department_name": text.department_name,
        "delivery": text.delivery,
        "industries": _industries(text),
        "length": prepared.length,
        "checksum": prepared.checksum,
        "updated_at": text.updated_at,
        "indexed_at": clock.now(),
    }


def _corpus_add(documents: int, length: int) -> None:
    updated = Corpus.objects.filter(pk=1).update(
        documents=F("documents") + documents, total_length=F("total_length") + length
    )
    if not updated:
        Corpus.objects.create(pk=1, documents=max(documents, 0), total_length=max(length, 0))


def _term_ids(terms: Iterable[str], known: dict[str, int] | None = None) -> dict[str, int]:
    wanted = set(terms)
    ids = {t: known[t] for t in wanted if known and t in known}
    missing = wanted - ids.keys()
    if missing:
        Term.objects.bulk_create([Term(text=t) for t in missing], ignore_conflicts=True)
        ids.update(Term.objects.filter(text__in=missing).values_list("text", "id"))
        if known is not None:
            known.update(ids)
    return ids


def _postings_drop(document: Document) -> None:
    term_ids = list(Posting.objects.filter(document=document).values_list("term_id", flat=True))
    Term.objects.filter(pk__in=term_ids).update(df=F("df") - 1)
    Posting.objects.filter(document=document).delete()


@transaction.atomic
def document_index(source: SearchSource, obj: object) -> Document | None:
    """Index an object of a source as it is now; a non-public one leaves the index. Unchanged
    text is not rewritten (a policy's award date changing rewrites nothing)."""
    text = source.document(obj)
    if text is None:
        document_remove(source.kind, str(obj.pk))  # type: ignore[attr-defined]  # a model
        return None
    prepared = prepare(text)
    document = Document.objects.filter(kind=source.kind, key=text.key).first()
    if document is not None and document.checksum == prepared.checksum:
        return document
    if document is None:
        document = Document.objects.create(
            kind=source.kind, key=text.key, **_document_fields(prepared)
        )
        _corpus_add(1, document.length)
    else:
        _postings_drop(document)
        _corpus_add(0, prepared.length - document.length)
        for name, value in _document_fields(prepared).items():
            setattr(document, name, value)
        document.save()
    ids = _term_ids(prepared.counts)
    Posting.objects.bulk_create(
        [
            Posting(term_id=ids[term], document=document, tf=tf, length=prepared.length)
            for term, tf in prepared.counts.items()
        ]
    )
    Term.objects.filter(pk__in=ids.values()).update(df=F("df") + 1)
    if source.alerts_saved_searches:
        from jinqi.search.alerts import saved_searches_alert

        saved_searches_alert(source, prepared)
    return document


@transaction.atomic
def document_remove(kind: str, key: str) -> None:
    document = Document.objects.filter(kind=kind, key=key).first()
    if document is None:
        return
    _postings_drop(document)
    _corpus_add(-1, -document.length)
    document.delete()


def all_texts() -> Iterator[tuple[str, IndexedText | None]]:
    """Every registered object's text (None for one that is not public)."""
    for source in sources():
        for obj in source.objects():
            yield source.kind, source.document(obj)


def all_count() -> int:
    total = 0
    for source in sources():
        objects = source.objects()
        total += objects.count() if hasattr(objects, "count") else len(list(objects))
    return total


@transaction.atomic
def index_rebuild(
    texts: Iterable[tuple[str, IndexedText | None]],
    progress: Callable[[int, int | None], None] | None = None,
    total: int | None = None,
) -> int:
    """Empty the index and fill it with `texts` (kind, text; None is skipped), in batches.
    Returns the number of documents indexed."""
    Posting.objects.all().delete()
    Document.objects.all().delete()
    Term.objects.all().delete()
    Corpus.objects.all().delete()
    known: dict[str, int] = {}
    documents = length = 0
    batch: list[tuple[str, Prepared]] = []

    def flush() -> None:
        nonlocal documents, length
        if not batch:
            return
        made = Document.objects.bulk_create(
            [Document(kind=kind, key=p.text.key, **_document_fields(p)) for kind, p in batch]
        )
        ids = _term_ids({t for _, p in batch for t in p.counts}, known)
        Posting.objects.bulk_create(
            [
                Posting(term_id=ids[term], document_id=doc.pk, tf=tf, length=p.length)
                for doc, (_, p) in zip(made, batch, strict=True)
                for term, tf in p.counts.items()
            ],
            batch_size=5000,
        )
        documents += len(batch)
        length += sum(p.length for _, p in batch)
        batch.clear()

    for done, (kind, text) in enumerate(texts, start=1):
        if text is not None:
            batch.append((kind, prepare(text)))
        if len(batch) >= BATCH:
            flush()
        if progress:
            progress(done, total)
    flush()
    Corpus.objects.create(pk=1, documents=documents, total_length=length)
    _df_recount()
    return documents


def _df_recount() -> None:
    term = Term._meta.db_table
    posting = Posting._meta.db_table
    # Table names come from the models, never from input.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {term} SET df = (SELECT COUNT(*) FROM {posting} p WHERE p.term_id = {term}.id)"
        )


def corpus_check() -> dict[str, int]:
    """Totals recomputed from the tables (for tests and `reindex --check`)."""
    totals = Document.objects.aggregate(n=Count("id"), length=Sum("length"))
    return {"documents": totals["n"] or 0, "total_length": totals["length"] or 0}
