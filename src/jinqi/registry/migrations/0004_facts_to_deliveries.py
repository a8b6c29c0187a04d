"""Move every fact into deliveries: the facts one call recorded (same enterprise, source, as-of
date, batch and recording time) become one delivery, created in the order they were recorded so
that "the newest delivery that has a key" picks the fact that was current. Correction requests
point at their fact's delivery, key and year; each import batch gets its facts' as-of date.

Only a key and year given twice in the same call loses its older value (it was history already).
Reversible: deliveries become facts again, current as the rule says."""

import hashlib
from collections import defaultdict

from django.db import migrations

CHUNK = 2_000  # enterprises per pass, so memory stays bounded at millions of facts


def ref(key, year):
    return key if year is None else f"{key}@{year}"


def facts_to_deliveries(apps, schema_editor):
    Fact = apps.get_model("registry", "Fact")
    Delivery = apps.get_model("registry", "Delivery")
    DeliveryLayout = apps.get_model("registry", "DeliveryLayout")
    CorrectionRequest = apps.get_model("registry", "CorrectionRequest")
    ImportBatch = apps.get_model("registry", "ImportBatch")
    layouts = {}  # refs → id, as services.layouts_get_or_create keeps them

    def layout_id(refs):
        if refs not in layouts:
            digest = hashlib.sha256("\n".join(refs).encode()).hexdigest()
            layouts[refs] = DeliveryLayout.objects.get_or_create(
                digest=digest, defaults={"refs": list(refs)}
            )[0].pk
        return layouts[refs]

    flagged = set(CorrectionRequest.objects.values_list("fact_id", flat=True))
    delivery_of_fact = {}
    enterprise_ids = list(
        Fact.objects.order_by("enterprise_id").values_list("enterprise_id", flat=True).distinct()
    )
    for start in range(0, len(enterprise_ids), CHUNK):
        part = enterprise_ids[start : start + CHUNK]
        groups = defaultdict(list)  # one call's facts → [(fact id, key, year, value)]
        for pk, enterprise_id, source_id, as_of, batch_id, recorded_at, key, year, value in (
            Fact.objects.filter(enterprise_id__in=part)
            .order_by("id")
            .values_list(
                "id",
                "enterprise_id",
                "source_id",
                "as_of",
                "batch_id",
                "recorded_at",
                "key",
                "year",
                "value",
            )  # fmt: skip
        ):
            groups[(enterprise_id, source_id, as_of, batch_id, recorded_at)].append(
                (pk, key, year, value)
            )
        ordered = sorted(groups.items(), key=lambda item: item[1][0][0])  # first fact's id
        new = []
        for (enterprise_id, source_id, as_of, batch_id, recorded_at), facts in ordered:
            given = {ref(key, year): value for _pk, key, year, value in facts}  # last one wins
            new.append(
                Delivery(
                    enterprise_id=enterprise_id,
                    source_id=source_id,
                    as_of=as_of,
                    batch_id=batch_id,
                    recorded_at=recorded_at,
                    layout_id=layout_id(tuple(given)),
                    values=list(given.values()),
                )
            )
        deliveries = Delivery.objects.bulk_create(new, batch_size=500)
        for delivery, (_group, facts) in zip(deliveries, ordered, strict=True):
            for pk, _key, _year, _value in facts:
                if pk in flagged:
                    delivery_of_fact[pk] = delivery.pk
    for request in CorrectionRequest.objects.select_related("fact"):
        request.delivery_id = delivery_of_fact[request.fact_id]
        request.key, request.year = request.fact.key, request.fact.year
        request.save(update_fields=["delivery", "key", "year"])
    for batch in ImportBatch.objects.filter(as_of__isnull=True):
        fact = Fact.objects.filter(batch=batch).only("as_of").first()
        if fact is not None:
            batch.as_of = fact.as_of
            batch.save(update_fields=["as_of"])


def deliveries_to_facts(apps, schema_editor):
    Fact = apps.get_model("registry", "Fact")
    Delivery = apps.get_model("registry", "Delivery")
    CorrectionRequest = apps.get_model("registry", "CorrectionRequest")
    flagged = defaultdict(list)
    for request in CorrectionRequest.objects.all():
        flagged[(request.delivery_id, ref(request.key, request.year))].append(request)
    newest = {}  # (enterprise, ref) → id of the delivery that gives the current value
    deliveries = Delivery.objects.select_related("layout")
    for delivery in deliveries.order_by("as_of", "id").iterator(chunk_size=CHUNK):
        for name in delivery.layout.refs:
            newest[(delivery.enterprise_id, name)] = delivery.pk
    for delivery in deliveries.order_by("id").iterator(chunk_size=CHUNK):
        for name, value in zip(delivery.layout.refs, delivery.values, strict=True):
            key, _sep, year = name.partition("@")
            fact = Fact.objects.create(
                enterprise_id=delivery.enterprise_id,
                key=key,
                year=int(year) if year else None,
                value=value,
                source_id=delivery.source_id,
                as_of=delivery.as_of,
                is_current=newest[(delivery.enterprise_id, name)] == delivery.pk,
                batch_id=delivery.batch_id,
                recorded_at=delivery.recorded_at,
            )
            for request in flagged.get((delivery.pk, name), []):
                request.fact_id = fact.pk
                request.save(update_fields=["fact"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_deliveries"),
    ]

    operations = [
        migrations.RunPython(facts_to_deliveries, deliveries_to_facts),
    ]
