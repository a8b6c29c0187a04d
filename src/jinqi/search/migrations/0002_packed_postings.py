"""One packed row of postings per term instead of one row per posting (docs/adr/0006-search.md).

The existing index is converted, not dropped: each term's Posting rows become its packed
arrays, each document's filter values (kind, department, delivery, industries) become filter
terms, and each document records the terms holding it. Then the Posting table goes."""

from collections import defaultdict
from typing import Any

import numpy as np
from django.db import migrations, models

DTYPE = np.dtype("<u4")  # as in jinqi.search.postings, frozen here with the layout


def _pack(values: list[int]) -> bytes:
    return np.asarray(values, dtype=np.int64).astype(DTYPE).tobytes()


def postings_pack(apps: Any, schema_editor: Any) -> None:
    Document = apps.get_model("search", "Document")
    Term = apps.get_model("search", "Term")
    Posting = apps.get_model("search", "Posting")
    held: dict[int, list[int]] = defaultdict(list)  # document id → its term ids
    gathered: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for term_id, document_id, tf, length in (
        Posting.objects.order_by("term_id", "document_id")
        .values_list("term_id", "document_id", "tf", "length")
        .iterator(chunk_size=10_000)
    ):
        ids, tfs, lens = gathered.setdefault(term_id, ([], [], []))
        ids.append(document_id)
        tfs.append(tf)
        lens.append(length)
        held[document_id].append(term_id)
    filters: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, kind, department, delivery, industries in Document.objects.order_by("pk").values_list(
        "pk", "kind", "department_code", "delivery", "industries"
    ):
        filters[("kind", kind)].append(pk)
        if department:
            filters[("department", department)].append(pk)
        if delivery:
            filters[("delivery", delivery)].append(pk)
        for letter in filter(None, industries.split("|")):
            filters[("industry", letter)].append(pk)
    for term in Term.objects.all():
        ids, tfs, lens = gathered.get(term.pk, ([], [], []))
        term.df = len(ids)
        term.documents, term.frequencies, term.lengths = _pack(ids), _pack(tfs), _pack(lens)
        term.save(update_fields=["df", "documents", "frequencies", "lengths"])
    for (field, value), ids in filters.items():
        term = Term.objects.create(field=field, text=value, df=len(ids), documents=_pack(ids))
        for pk in ids:
            held[pk].append(term.pk)
    for document in Document.objects.only("pk"):
        document.term_ids = _pack(sorted(held.get(document.pk, [])))
        document.save(update_fields=["term_ids"])


def storage_uncompressed(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL: keep packed postings out of line but uncompressed (STORAGE EXTERNAL). pglz
    gains little on them and costs at every read and every save."""
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("search", "Term")._meta.db_table)
    columns = ", ".join(
        f"ALTER COLUMN {schema_editor.quote_name(c)} SET STORAGE EXTERNAL"
        for c in ("documents", "frequencies", "lengths")
    )
    schema_editor.execute(f"ALTER TABLE {table} {columns}")


def filter_terms_drop(apps: Any, schema_editor: Any) -> None:
    """Going back: the filter terms would clash with the unique text of 0001; the postings
    are gone either way (`jinqi search reindex` rebuilds them)."""
    apps.get_model("search", "Term").objects.exclude(field="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="term_ids",
            field=models.BinaryField(default=b""),
        ),
        migrations.AddField(
            model_name="term",
            name="field",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "text"),
                    ("kind", "kind"),
                    ("department", "department"),
                    ("delivery", "delivery"),
                    ("industry", "industry"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="term",
            name="documents",
            field=models.BinaryField(default=b""),
        ),
        migrations.AddField(
            model_name="term",
            name="frequencies",
            field=models.BinaryField(default=b""),
        ),
        migrations.AddField(
            model_name="term",
            name="lengths",
            field=models.BinaryField(default=b""),
        ),
        migrations.AlterField(
            model_name="term",
            name="text",
            field=models.CharField(max_length=40),
        ),
        migrations.AddConstraint(
            model_name="term",
            constraint=models.UniqueConstraint(fields=("field", "text"), name="search_term_key"),
        ),
        migrations.RunPython(storage_uncompressed, migrations.RunPython.noop),
        migrations.RunPython(postings_pack, filter_terms_drop, elidable=True),
        migrations.DeleteModel(
            name="Posting",
        ),
    ]
