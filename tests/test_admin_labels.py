"""The admin speaks Chinese: every field and model label of every registered model reads in
Chinese in zh-hans (issue #13), acronyms aside."""

from __future__ import annotations

import re

from django.contrib import admin
from django.utils import translation

ACRONYMS = re.compile(r"\b(API|JSON|Schema|SHA|HTTP|GET|POST|IP)\b")
WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_admin_label_reads_in_chinese() -> None:
    """No English word in a field's or model's verbose name, ours or an installed package's."""
    english = []
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            labels = [("<model>", model._meta.verbose_name)]
            labels += [
                (f.name, f.verbose_name)
                for f in model._meta.get_fields()
                if getattr(f, "concrete", False) and hasattr(f, "verbose_name")
            ]
            for name, label in labels:
                if WORD.search(ACRONYMS.sub("", str(label))):
                    english.append(f"{model._meta.label}.{name}: {label}")
    assert english == []
