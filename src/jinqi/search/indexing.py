"""Writing the index: one document on save or delete, or the whole index rebuilt.

Terms are weighted by where they occur: a title term counts TITLE_WEIGHT times (a simple
BM25F). Each term's postings are one packed row (`search/postings.py`): indexing a document
rewrites the rows of the terms it holds and held, in the saving transaction, with those rows
locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions serialise
writers), so two saves touching a common word cannot lose each other's posting."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Count, F, Sum

from jinqi.core import clock
from jinqi.search.alerts import saved_searches_alert
from jinqi.search.enums import TermField
from jinqi.search.models import Corpus, Document, Term
from jinqi.search.postings import DTYPE, pack, pack_counts, unpack, unpack_counts
from jinqi.search.registry import IndexedText, SearchSource, sources
from jinqi.search.segmentation import bigrams, normalise, tokens

TITLE_WEIGHT = 3
BATCH = 500


@dataclass(frozen=True)
class Prepared:
    text: IndexedText
    counts: Counter[str]
    length: int
    checksum: str
    pairs: frozenset[str] = frozenset()  # character pairs of title and text (phrase filter)


def prepare(text: IndexedText) -> Prepared:
    title, body = normalise(text.title), normalise(text.body)
    counts = Counter(tokens(body, normalised=True))
    for term in tokens(title, normalised=True):
        counts[term] += TITLE_WEIGHT
    pairs = frozenset(bigrams(title, normalised=True) | bigrams(body, normalised=True))
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
    return Prepared(text, counts, max(sum(counts.values()), 1), digest, pairs)


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


TermKey = tuple[str, str]  # (TermField, text)
_TEXT = TermField.TEXT.value
_BIGRAM = TermField.BIGRAM.value


def filter_terms(kind: str, text: IndexedText) -> list[TermKey]:
    """The filter values of a document, indexed as terms of their own field."""
    keys = [(TermField.KIND.value, kind)]
    if text.department_code:
        keys.append((TermField.DEPARTMENT.value, text.department_code))
    if text.delivery:
        keys.append((TermField.DELIVERY.value, text.delivery))
    keys += [(TermField.INDUSTRY.value, letter) for letter in text.industries]
    return keys


def _term_keys(kind: str, prepared: Prepared) -> dict[TermKey, int]:
    """Every term key of a document → its weighted frequency (0 for a filter term or a
    character pair)."""
    keys: dict[TermKey, int] = {(_TEXT, t): tf for t, tf in prepared.counts.items()}
    keys.update(dict.fromkeys(filter_terms(kind, prepared.text), 0))
    keys.update(dict.fromkeys(((_BIGRAM, pair) for pair in prepared.pairs), 0))
    return keys


def _term_ids(
    keys: Iterable[TermKey], known: dict[TermKey, int] | None = None
) -> dict[TermKey, int]:
    """The Term id of each key, creating the missing rows (with no postings yet)."""
    wanted = set(keys)
    ids = {k: known[k] for k in wanted if known and k in known}
    missing = wanted - ids.keys()
    if missing:
        # In key order: the same content gets the same term ids (a set's order is the hash seed's).
        Term.objects.bulk_create(
            [Term(field=f, text=t) for f, t in sorted(missing)],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        texts = sorted({t for _, t in missing})
        for start in range(0, len(texts), BATCH):  # within every backend's parameter limit
            for field, text, pk in Term.objects.filter(
                text__in=texts[start : start + BATCH]
            ).values_list("field", "text", "id"):
                if (field, text) in missing:
                    ids[(field, text)] = pk
        if known is not None:
            known.update(ids)
    return ids


_UPDATE_TERM = (
    "UPDATE {table} SET df = %s, documents = %s, frequencies = %s, lengths = %s WHERE id = %s"
)


def _terms_write(rows: list[tuple[int, bytes, bytes, bytes, int]]) -> None:
    """Store packed rows: (df, documents, frequencies, lengths, term id)."""
    if not rows:
        return
    # The table name comes from the model; every value is a parameter.
    with connection.cursor() as cursor:
        cursor.executemany(_UPDATE_TERM.format(table=Term._meta.db_table), rows)


def _postings_rewrite(document_id: int, old: set[int], new: dict[int, tuple[int, int]]) -> None:
    """Take `document_id` out of the rows of `old` term ids and put it into those of `new`
    (term id → (frequency, length); a filter term's are ignored), rows locked meanwhile."""
    touched = sorted(old | new.keys())
    rows = (
        Term.objects.select_for_update()
        .filter(pk__in=touched)
        .order_by("pk")  # one lock order for every writer: no deadlock
        .values_list("pk", "field", "documents", "frequencies", "lengths")
    )
    written = []
    for pk, field, documents, frequencies, lengths in rows:
        ids = unpack(documents)
        tfs, lens = unpack_counts(frequencies, ids.size), unpack_counts(lengths, ids.size)
        text = field == TermField.TEXT
        at = int(np.searchsorted(ids, document_id))
        if at < ids.size and ids[at] == document_id:
            ids = np.delete(ids, at)
            if text:
                tfs, lens = np.delete(tfs, at), np.delete(lens, at)
        if pk in new:
            ids = np.insert(ids, at, np.asarray(document_id, DTYPE))
            if text:
                tf, length = new[pk]
                tfs = np.insert(tfs.astype(DTYPE), at, np.asarray(tf, DTYPE))
                lens = np.insert(lens.astype(DTYPE), at, np.asarray(length, DTYPE))
        if text:
            written.append((int(ids.size), ids.tobytes(), pack_counts(tfs), pack_counts(lens), pk))
        else:
            written.append((int(ids.size), ids.tobytes(), b"", b"", pk))
    # Rows left with no document stay (df 0): deleting one could race a concurrent insert.
    _terms_write(written)


@transaction.atomic
def document_index(source: SearchSource, obj: object) -> Document | None:
    """Index an object of a source as it is now; a non-public one leaves the index. Unchanged
    text is not rewritten (a policy's award date changing rewrites nothing)."""
    text = source.document(obj)
    if text is None:
        document_remove(source.kind, str(obj.pk))  # type: ignore[attr-defined]  # a model
        return None
    prepared = prepare(text)
    # Locked: a concurrent save of the same object reads the term ids this one writes.
    document = Document.objects.select_for_update().filter(kind=source.kind, key=text.key).first()
    if document is not None and document.checksum == prepared.checksum:
        return document
    document = document_store(source.kind, prepared, document)
    if source.alerts_saved_searches:
        saved_searches_alert(source, prepared)
    return document


def document_store(kind: str, prepared: Prepared, document: Document | None = None) -> Document:
    """Write a prepared document, new or replacing `document`, and its postings."""
    old: set[int] = set()
    if document is None:
        document = Document(kind=kind, key=prepared.text.key)
        _corpus_add(1, prepared.length)
    else:
        old = {int(i) for i in unpack(document.term_ids)}
        _corpus_add(0, prepared.length - document.length)
    keys = _term_keys(kind, prepared)
    ids = _term_ids(keys)
    for name, value in _document_fields(prepared).items():
        setattr(document, name, value)
    document.term_ids = pack(sorted(ids.values()))
    document.save()
    _postings_rewrite(
        document.pk, old, {ids[key]: (tf, prepared.length) for key, tf in keys.items()}
    )
    return document


@transaction.atomic
def document_remove(kind: str, key: str) -> None:
    document = Document.objects.select_for_update().filter(kind=kind, key=key).first()
    if document is None:
        return
    _postings_rewrite(document.pk, {int(i) for i in unpack(document.term_ids)}, {})
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
    """Empty the index and fill it with `texts` (kind, text; None is skipped): documents in
    batches, their postings gathered as NumPy arrays, sorted by term once, then each term's
    packed row written once. Returns the number of documents."""
    Document.objects.all().delete()
    Term.objects.all().delete()
    Corpus.objects.all().delete()
    # Term ids by field and text, created as met (the table is empty: plain inserts).
    known: dict[str, dict[str, int]] = {field.value: {} for field in TermField}
    # Postings gathered per batch: term id, document position (in creation order), frequency.
    gathered: list[tuple[npt.NDArray[np.uint32], ...]] = []
    document_ids: list[int] = []
    document_lengths: list[int] = []
    batch: list[tuple[str, Prepared]] = []

    def term_ids(field: str, texts: Iterable[str]) -> dict[str, int]:
        ids = known[field]
        missing = sorted(set(texts) - ids.keys())
        for term in Term.objects.bulk_create(
            [Term(field=field, text=text) for text in missing], batch_size=BATCH
        ):
            ids[term.text] = term.pk
        return ids

    def flush() -> None:
        if not batch:
            return
        words = term_ids(_TEXT, (t for _, p in batch for t in p.counts))
        pairs = term_ids(_BIGRAM, (pair for _, p in batch for pair in p.pairs))
        filters = [filter_terms(kind, p.text) for kind, p in batch]
        for field in {f for keys in filters for f, _ in keys}:
            term_ids(field, (t for keys in filters for f, t in keys if f == field))
        held: list[npt.NDArray[np.uint32]] = []
        tfs: list[npt.NDArray[np.uint32]] = []
        for (_kind, p), keys in zip(batch, filters, strict=True):
            ids = [words[t] for t in p.counts]
            ids += [known[f][t] for f, t in keys]
            ids += [pairs[pair] for pair in p.pairs]
            held.append(np.asarray(ids, DTYPE))
            tf = np.zeros(len(ids), DTYPE)
            tf[: len(p.counts)] = list(p.counts.values())
            tfs.append(tf)
        made = Document.objects.bulk_create(
            [
                Document(
                    kind=kind,
                    key=p.text.key,
                    term_ids=np.sort(terms).tobytes(),
                    **_document_fields(p),
                )
                for (kind, p), terms in zip(batch, held, strict=True)
            ],
            batch_size=BATCH,
        )
        first = len(document_ids)
        document_ids.extend(doc.pk for doc in made)
        document_lengths.extend(p.length for _, p in batch)
        positions = np.repeat(
            np.arange(first, first + len(batch), dtype=DTYPE), [t.size for t in held]
        )
        gathered.append((np.concatenate(held), positions, np.concatenate(tfs)))
        batch.clear()

    for done, (kind, text) in enumerate(texts, start=1):
        if text is not None:
            batch.append((kind, prepare(text)))
        if len(batch) >= BATCH:
            flush()
        if progress:
            progress(done, total)
    flush()
    text_terms = set(known[_TEXT].values())
    _terms_write(list(_packed_rows(gathered, document_ids, document_lengths, text_terms)))
    Corpus.objects.create(pk=1, documents=len(document_ids), total_length=sum(document_lengths))
    return len(document_ids)


def _packed_rows(
    gathered: list[tuple[npt.NDArray[np.uint32], ...]],
    document_ids: list[int],
    document_lengths: list[int],
    text_terms: set[int],
) -> Iterator[tuple[int, bytes, bytes, bytes, int]]:
    """Every term's packed row (df, documents, frequencies, lengths, term id) from the gathered
    postings: one sort by (term, document id) for the whole index."""
    if not gathered:
        return
    terms, positions, frequencies = (
        np.concatenate(column) for column in zip(*gathered, strict=True)
    )
    gathered.clear()
    ids = np.asarray(document_ids, dtype=np.int64)
    pack(ids)  # raises if an id does not fit
    rank = np.empty(ids.size, np.uint64)
    rank[np.argsort(ids, kind="stable")] = np.arange(ids.size, dtype=np.uint64)
    order = np.argsort((terms.astype(np.uint64) << np.uint64(32)) | rank[positions], kind="stable")
    terms, positions, frequencies = terms[order], positions[order], frequencies[order]
    del order
    documents = ids.astype(DTYPE)[positions]
    lengths = np.asarray(document_lengths, dtype=DTYPE)[positions]
    bounds = np.flatnonzero(np.diff(terms)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [terms.size]))
    for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
        pk = int(terms[begin])
        if pk in text_terms:
            yield (
                end - begin,
                documents[begin:end].tobytes(),
                pack_counts(frequencies[begin:end]),
                pack_counts(lengths[begin:end]),
                pk,
            )
        else:
            yield end - begin, documents[begin:end].tobytes(), b"", b"", pk


def corpus_check() -> dict[str, int]:
    """Totals recomputed from the tables (for tests and `reindex --check`)."""
    totals = Document.objects.aggregate(n=Count("id"), length=Sum("length"))
    return {"documents": totals["n"] or 0, "total_length": totals["length"] or 0}
