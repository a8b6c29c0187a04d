"""Character-pair terms: the documents holding each pair of adjacent letters, digits or
ideographs, so a quoted phrase narrows its candidates before its text is checked
(docs/adr/0006-search.md). The existing index gains them from the documents' stored text."""

import re
import unicodedata
from collections import defaultdict
from typing import Any

import numpy as np
from django.db import migrations, models

DTYPE = np.dtype("<u4")  # as in jinqi.search.postings, frozen here with the layout
_RUN = re.compile(r"[0-9a-z\u3400-\u9fff]{2,}")  # as jinqi.search.segmentation.bigrams


def _pairs(text: str) -> set[str]:
    runs = _RUN.findall(unicodedata.normalize("NFKC", text).lower())
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}


def pairs_index(apps: Any, schema_editor: Any) -> None:
    Document = apps.get_model("search", "Document")
    Term = apps.get_model("search", "Term")
    holding: dict[str, list[int]] = defaultdict(list)
    for pk, title, body in Document.objects.order_by("pk").values_list("pk", "title", "body"):
        for pair in _pairs(title) | _pairs(body):
            holding[pair].append(pk)
    held: dict[int, list[int]] = defaultdict(list)
    for pair, ids in holding.items():
        term = Term.objects.create(
            field="bigram",
            text=pair,
            df=len(ids),
            documents=np.asarray(ids, dtype=np.int64).astype(DTYPE).tobytes(),
        )
        for pk in ids:
            held[pk].append(term.pk)
    for document in Document.objects.only("pk", "term_ids"):
        if held.get(document.pk):
            ids = np.frombuffer(bytes(document.term_ids or b""), dtype=DTYPE).tolist()
            document.term_ids = np.asarray(sorted(ids + held[document.pk]), DTYPE).tobytes()
            document.save(update_fields=["term_ids"])


def pairs_drop(apps: Any, schema_editor: Any) -> None:
    """Going back: the pair rows go; documents keep their ids in `term_ids`, which the former
    code only uses to find rows to rewrite (a missing row is skipped)."""
    apps.get_model("search", "Term").objects.filter(field="bigram").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_packed_postings"),
    ]

    operations = [
        migrations.AlterField(
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
                    ("bigram", "character pair"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.RunPython(pairs_index, pairs_drop),
    ]
