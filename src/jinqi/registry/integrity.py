"""The registry's links that carry no database constraint (docs/adr/0005-registry-deliveries.md):
the ORM applies their on_delete and the import checks what it links, and this finds any row
whose link points nowhere, for a periodic check (`jinqi registry check-links`)."""

from __future__ import annotations

from django.db import models

from jinqi.registry.models import Delivery, Enterprise, Profile

UNCONSTRAINED_LINKS: tuple[tuple[type[models.Model], str], ...] = (
    (Enterprise, "industry"),
    (Enterprise, "town"),
    (Delivery, "enterprise"),
    (Delivery, "source"),
    (Delivery, "batch"),
    (Delivery, "layout"),
    (Profile, "enterprise"),
)


def orphans() -> dict[str, int]:
    """`model.field` → how many rows link (when the link is set) to a row that does not exist;
    all zero in a sound registry."""
    found: dict[str, int] = {}
    for model, name in UNCONSTRAINED_LINKS:
        field = model._meta.get_field(name)
        assert field.related_model is not None and not isinstance(field.related_model, str)
        targets = field.related_model._default_manager.values("pk")
        column = field.attname  # type: ignore[union-attr]  # a ForeignKey has one
        stray = model._default_manager.filter(**{f"{column}__isnull": False}).exclude(
            **{f"{column}__in": targets}
        )
        found[f"{model._meta.label_lower}.{name}"] = stray.count()
    return found
