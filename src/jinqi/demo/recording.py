"""Recorded demo steps: a step whose data does not depend on the demo clock (the 2022 plan's
simulated year) is run through the services once, by `jinqi demo --record`, and the rows it
wrote are kept in `demo/recordings/<key>.json.gz`. `jinqi demo` then inserts those rows in bulk
instead of simulating again (seconds instead of minutes).

A recording is valid only for the database it was made on: it holds the primary keys the step
wrote and the foreign keys it pointed at. So it carries a fingerprint of the database before the
step (every table's row count and largest key, the content types); when the database differs
(another step before it changed, a migration added rows), the step runs through the services as
before and the console says the recording is out of date. `test_recordings_are_what_the_services
_write` (slow) records again and compares, so a stale recording fails CI rather than slowing
the demo.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

RECORDINGS = Path(__file__).resolve().parent / "recordings"
Report = Callable[[str], None]


def recording_path(key: str, directory: Path = RECORDINGS) -> Path:
    return directory / f"{key}.json.gz"


def _models() -> list[type[models.Model]]:
    """Every table the platform writes through a model (through tables travel with their
    model's many-to-many fields)."""
    return [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and not m._meta.auto_created
    ]


def _integer_key(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


def fingerprint(labels: set[str] | None = None) -> dict[str, Any]:
    """What a recording's keys depend on: the row count and largest key of each table it
    writes or points at (`labels`; every table when None), the content types' ids."""
    tables: dict[str, list[Any]] = {}
    for model in _models():
        if labels is not None and model._meta.label not in labels:
            continue
        manager = model._base_manager
        if _integer_key(model):
            top = manager.aggregate(n=models.Count("pk"), top=models.Max("pk"))
            tables[model._meta.label] = [top["n"], top["top"]]
        else:
            tables[model._meta.label] = [manager.count(), None]
    types = sorted(ContentType.objects.values_list("id", "app_label", "model"))
    return {"tables": tables, "content_types": [list(t) for t in types]}


def _contents(model: type[models.Model], within: models.Q | None = None) -> str:
    """A digest of the rows of `model` (all, or those `within`) and of their many-to-many
    links, to see whether a step changed rows it did not create."""
    rows = model._base_manager.order_by("pk")
    if within is not None:
        rows = rows.filter(within)
    digest = hashlib.sha256()
    for row in rows.values_list():
        digest.update(repr(row).encode())
    for field in model._meta.many_to_many:
        through: Any = field.remote_field.through
        links = through._base_manager.order_by("pk")
        if within is not None:
            source = f"{field.m2m_field_name()}__in"
            links = links.filter(**{source: rows.values("pk")})
        digest.update(repr(list(links.values_list())).encode())
    return digest.hexdigest()


def step_record(
    key: str, run: Callable[[Report], None], report: Report, *, directory: Path = RECORDINGS
) -> Path:
    """Run the step through the services and write the rows it added as its recording.
    Refuses when the step changed rows that existed before it (a recording only adds rows)."""
    before = fingerprint()
    keys_before = {
        m._meta.label: set(m._base_manager.values_list("pk", flat=True))
        for m in _models()
        if not _integer_key(m)
    }
    digests = {m._meta.label: _contents(m) for m in _models()}
    run(report)
    added: list[models.Model] = []
    for model in _models():
        label = model._meta.label
        if _integer_key(model):
            old = models.Q(pk__lte=before["tables"][label][1] or 0)
        else:
            old = models.Q(pk__in=keys_before[label])
        new = model._base_manager.exclude(old).order_by("pk")
        if _contents(model, old) != digests[label]:
            raise RuntimeError(f"demo step {key} changed existing rows of {label}: not recordable")
        added += list(new)
    if not added:
        # Its data was there already: recording nothing would wipe the recording.
        raise RuntimeError(f"demo step {key} wrote nothing: record on a fresh database (--reset)")
    directory.mkdir(parents=True, exist_ok=True)
    path = recording_path(key, directory)
    written = {type(row) for row in added}
    relevant = {m._meta.label for m in written} | {
        f.related_model._meta.label
        for m in written
        for f in [*m._meta.concrete_fields, *m._meta.many_to_many]
        if f.is_relation and f.related_model is not None
    }
    # Only the tables the rows depend on: another table's count may differ between two fresh
    # databases without touching the recording (search terms created in a set's order).
    before["tables"] = {k: v for k, v in before["tables"].items() if k in relevant}
    document = {
        "fingerprint": before,
        "rows": json.loads(serializers.serialize("json", added)),
    }
    # mtime 0: the same rows give the same bytes.
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        out.write(json.dumps(document, ensure_ascii=False, sort_keys=True).encode())
    report(f"{key}: recorded {len(added)} rows in {path.name}")
    return path


def comparable(rows: list[dict[str, Any]]) -> list[str]:
    """The rows, in a canonical order, without what differs between two recordings of the same
    simulation: values stamped with the wall clock (auto_now_add fields) and random keys
    (UUIDs drawn when a task is queued)."""
    stamped = {
        (m._meta.label_lower, f.name)
        for m in _models()
        for f in m._meta.concrete_fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    }
    drawn = {m._meta.label_lower for m in _models() if isinstance(m._meta.pk, models.UUIDField)}

    def fields(row: dict[str, Any]) -> dict[str, Any]:
        kept = {k: v for k, v in row["fields"].items() if (row["model"], k) not in stamped}
        if row["model"] == "audit.auditevent" and isinstance(kept.get("changes"), dict):
            # An audit row copies the stamped values of the record it describes.
            audited = kept.get("object_type")
            kept["changes"] = {
                k: v for k, v in kept["changes"].items() if (audited, k) not in stamped
            }
        return kept

    return sorted(
        json.dumps(
            {
                "model": row["model"],
                "pk": None if row["model"] in drawn else row["pk"],
                "fields": fields(row),
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        for row in rows
    )


def recording_read(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rb") as source:
        data: dict[str, Any] = json.loads(source.read())
    return data


def step_replay_or_run(key: str, run: Callable[[Report], None], report: Report) -> None:
    """Insert the step's recorded rows when the recording fits this database; otherwise run the
    step through the services (it then decides itself whether its data is there already)."""
    path = recording_path(key)
    if not path.exists():
        run(report)
        return
    recording = recording_read(path)
    if recording["fingerprint"] != fingerprint(set(recording["fingerprint"]["tables"])):
        if not _already_replayed(recording):
            report(f"{key}: the recording does not fit this database; simulating instead")
        run(report)
        return
    _insert(recording["rows"])
    report(f"{key}: {len(recording['rows'])} recorded rows loaded")


def _already_replayed(recording: dict[str, Any]) -> bool:
    """A second `jinqi demo` finds the rows there: nothing to say."""
    first = recording["rows"][0] if recording["rows"] else None
    if first is None:
        return True
    model = apps.get_model(first["model"])
    return bool(model._base_manager.filter(pk=first["pk"]).exists())


@transaction.atomic
def _insert(rows: list[dict[str, Any]]) -> None:
    """The rows in bulk, model by model in the order recorded (dependencies first), then
    their many-to-many links; PostgreSQL's sequences moved past the keys inserted. Each value
    goes through its field as Django's deserializer and `bulk_create` would take it (to_python,
    then get_db_prep_save; stamped fields get now), without a model instance per row."""
    by_model: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_model[apps.get_model(row["model"])].append(row)
    links: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    for model in _dependency_order(list(by_model)):
        _rows_insert(model, by_model[model], links)
    for through, pairs in links.items():
        if not pairs:
            continue
        ends = [through._meta.get_field(name) for name in pairs[0][0]]
        _execute_insert(
            through,
            ends,
            [
                [f.get_db_prep_save(v, connection) for f, v in zip(ends, ids, strict=True)]
                for _, ids in pairs
            ],
        )
    if connection.vendor == "postgresql":
        inserted = [*by_model, *links]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), inserted):
                cursor.execute(statement)


def _rows_insert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    links: dict[Any, list[tuple[Any, Any]]],
) -> None:
    fields = list(model._meta.concrete_fields)
    pk = model._meta.pk
    assert pk is not None
    now = timezone.now()
    params = []
    for row in rows:
        data = row["fields"]
        values = []
        for field in fields:
            if field is pk:
                value = pk.to_python(row["pk"])
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now if isinstance(field, models.DateTimeField) else now.date()
            elif field.name not in data:
                value = field.get_default()
            elif field.remote_field is not None and data[field.name] is not None:
                value = field.target_field.to_python(data[field.name])  # type: ignore[attr-defined]
            else:
                value = field.to_python(data[field.name])
            values.append(field.get_db_prep_save(value, connection))
        params.append(values)
        for m2m in model._meta.many_to_many:
            through: Any = m2m.remote_field.through
            names = (m2m.m2m_field_name(), m2m.m2m_reverse_field_name())
            links[through] += [(names, [row["pk"], target]) for target in data.get(m2m.name, [])]
    _execute_insert(model, fields, params)


def _execute_insert(model: Any, fields: list[Any], params: list[list[Any]]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def _dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """`chosen` with every model after the models its foreign keys point at."""
    ordered: list[type[models.Model]] = []
    pending = list(chosen)
    while pending:
        for model in pending:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            }
            if not targets & (set(pending) - {model}):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # a cycle: keep the recorded order for the rest
            ordered += pending
            break
    return ordered
