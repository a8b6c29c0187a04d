"""Hostile input for the walks of tests/test_hostile_input.py: texts, files, and the measures of
what a request left behind (rows of every model, files under MEDIA_ROOT, memory)."""

from __future__ import annotations

import functools
import io
import re
import resource
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import F, Model, Q, Value
from django.db.models.functions import Cast, Length

from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core.tests.archives import xlsx_bomb, xlsx_bytes

# Each class of hostile text once. The first three must be stored inert when accepted; the text
# boundary refuses the control characters everywhere and the bidi controls in single-line fields.
HOSTILE_TEXTS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "format": "%s%n{0}{__class__}",
    "bidi": "金\u202eexe.fdp",
    "nul": "金\x00企",
    "control": "金\x07\x1b[31m企\x7f",
    "overlong": "长" * 100_000,
}
# Refused wherever text enters (issue #12, point 1): never stored, whatever the field.
REFUSED_EVERYWHERE = ("nul", "control")
# Refused in single-line fields (an <input>, not a <textarea>).
REFUSED_IN_ONE_LINE = ("bidi",)

# Named parts of a member the ZIP bomb carries: opening it is unpacking the bomb.
BOMB_PART = "xl/media/image1.bin"
MEMORY_LIMIT = 512 * 1024 * 1024

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b"<!DOCTYPE worksheet [\n"
    b' <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def _with_part(package: bytes, name: str, content: bytes) -> bytes:
    """The OOXML package with one part's content replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


def billion_laughs_xlsx() -> bytes:
    """A real workbook whose sheet declares nested entities (a billion "lol"s once expanded)."""
    return _with_part(xlsx_bytes(), "xl/worksheets/sheet1.xml", LAUGHS)


def fake_parquet() -> bytes:
    """Parquet's magic at both ends around bytes that are no Parquet file."""
    return b"PAR1" + b"\x15\x04" * 64 + b"not a footer" + b"PAR1"


@dataclass(frozen=True)
class HostileFile:
    name: str  # as sent
    build: Callable[[], bytes]

    def content(self) -> bytes:
        """The file's bytes, built once per process (the ZIP bomb deflates 200 MiB)."""
        return _built(self.build)


@functools.cache
def _built(build: Callable[[], bytes]) -> bytes:
    return build()


HOSTILE_FILES: dict[str, HostileFile] = {
    "laughs-xlsx": HostileFile("表格.xlsx", billion_laughs_xlsx),
    "zip-bomb": HostileFile("table.xlsx", xlsx_bomb),
    "exe-as-pdf": HostileFile("材料.pdf", lambda: EXE),
    "html-as-png": HostileFile("photo.png", lambda: HTML),
    "empty": HostileFile("empty.pdf", lambda: b""),
    "not-parquet": HostileFile("企业.parquet", fake_parquet),
}


# --------------------------------------------------------------------------------------------
# What a request leaves behind.
# --------------------------------------------------------------------------------------------

# Tables a refused request may legitimately write: sessions, the login lockout's attempts, the
# API's per-minute call counts. The audit trail's API-call rows are left out below (every call,
# refused or not, is audited).
_BOOKKEEPING_APPS = frozenset({"sessions", "axes"})
_BOOKKEEPING_TABLES = frozenset({"api_apicallcount"})


@functools.cache
def _count_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    parts = []
    seen: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        table = meta.db_table
        if meta.proxy or not meta.managed or table in seen:
            continue
        if meta.app_label in _BOOKKEEPING_APPS or table in _BOOKKEEPING_TABLES:
            continue
        seen.add(table)
        where = ""
        if model is AuditEvent:
            where = f" WHERE {quote('action')} <> '{AuditAction.API_CALL.value}'"
        parts.append(f"(SELECT COUNT(*) FROM {quote(table)}{where}) AS {quote(table)}")
    return "SELECT " + ", ".join(parts)


def row_counts() -> dict[str, int]:
    """Rows of every model's table, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_count_sql(connection.vendor))
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@dataclass
class Trace:
    """What one request did: the tables whose row counts changed, the files that appeared, the
    peak of memory it allocated, and the ZIP members it opened."""

    changed: dict[str, tuple[int, int]] = field(default_factory=dict)
    new_files: set[Path] = field(default_factory=set)
    peak_bytes: int = 0
    opened_members: list[str] = field(default_factory=list)


@contextmanager
def traced(*, memory: bool = False) -> Iterator[Trace]:
    """Measure a request: rows and files before and after; with memory=True the peak of Python
    allocations (tracemalloc) and the growth of the process's resident high-water mark, and every
    ZIP member opened."""
    trace = Trace()
    before, files = row_counts(), media_files()
    original_open = zipfile.ZipFile.open

    def spy(archive: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        # Only reading counts: a test building a hostile file on first use writes its parts.
        if (args[0] if args else kwargs.get("mode", "r")) == "r":
            trace.opened_members.append(getattr(name, "filename", name))
        return original_open(archive, name, *args, **kwargs)

    if memory:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        zipfile.ZipFile.open = spy  # type: ignore[method-assign]  # restored below
        tracemalloc.start()
    try:
        yield trace
    finally:
        if memory:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            zipfile.ZipFile.open = original_open  # type: ignore[method-assign]
            rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
            trace.peak_bytes = max(peak, rss_growth)
    after = row_counts()
    trace.changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    trace.new_files = media_files() - files


# --------------------------------------------------------------------------------------------
# Hostile text found stored.
# --------------------------------------------------------------------------------------------

# What gives each hostile text away in a stored value (as typed, or escaped inside JSON).
_MARKERS: dict[str, tuple[str, ...]] = {
    "nul": ("\x00", "\\u0000"),
    "control": ("\x07", "\\u0007"),
    "bidi": ("\u202e", "\\u202e"),
}
OVERLONG = 100_000


def _text_fields() -> Iterator[tuple[type[Model], str, bool]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field_ in model._meta.concrete_fields:
            if isinstance(field_, models.CharField | models.TextField):
                yield model, field_.attname, False
            elif isinstance(field_, models.JSONField):
                yield model, field_.attname, True


# Sub-queries per statement: SQLite allows 500 terms in a compound SELECT.
UNION_TERMS = 200


@dataclass(frozen=True)
class _Search:
    """Where a hostile text could be stored and the statements that find it: one query per text
    field of every model, asked together as a UNION ALL of them in a statement or two."""

    fields: list[tuple[type[Model], str]]
    statements: list[tuple[str, tuple[Any, ...]]]


@functools.cache
def _search(label: str, vendor: str) -> _Search:
    """Built once per label and database: making and compiling four hundred querysets cost
    more than running them (most of the hostile walk's time, ADR 0007)."""
    fields: list[tuple[type[Model], str]] = []
    queries = []
    for model, name, is_json in _text_fields():
        column = Cast(name, models.TextField()) if is_json else F(name)
        query = model._default_manager.annotate(_text=column)
        if label == "overlong":
            query = query.annotate(_length=Length("_text")).filter(_length__gte=OVERLONG)
        elif label in _MARKERS:
            condition = Q()
            for marker in _MARKERS[label]:
                if "\x00" not in marker:
                    condition |= Q(_text__contains=marker)
                elif vendor == "sqlite":
                    # LIKE stops at a NUL; REGEXP on SQLite is Python's re, which does not.
                    condition |= Q(_text__regex=re.escape(marker))
                # PostgreSQL cannot hold a NUL in text, nor be asked for one.
            if not condition:
                continue
            query = query.filter(condition)
        else:
            return _Search([], [])
        queries.append(
            query.order_by()
            .annotate(_field=Value(len(fields)), _pk=Cast("pk", models.TextField()))
            .values_list("_field", "_pk")
        )
        fields.append((model, name))
    statements = []
    for start in range(0, len(queries), UNION_TERMS):
        first, *others = queries[start : start + UNION_TERMS]
        union = first.union(*others, all=True) if others else first
        statements.append(union.query.sql_with_params())
    return _Search(fields, statements)


class StoredText:
    """Rows holding a hostile text, each reported once: stored[label]() → rows new since the
    last call."""

    def __init__(self) -> None:
        self.known: set[str] = set()

    def new_rows(self, label: str) -> list[str]:
        search = _search(label, connection.vendor)
        hits: list[tuple[int, str]] = []
        with connection.cursor() as cursor:
            for sql, params in search.statements:
                cursor.execute(sql, params)
                hits.extend((int(index), str(pk)) for index, pk in cursor.fetchall())
        found = []
        for index, pk in sorted(hits):
            model, name = search.fields[index]
            row = f"{model._meta.label}.{name}#{pk}"
            if row not in self.known:
                self.known.add(row)
                found.append(row)
        return found
