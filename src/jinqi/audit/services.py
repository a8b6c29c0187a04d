"""Recording audit events; every service that writes calls `audit_record` in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.workflow import Step


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, dt.date | dt.datetime | dt.time | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `instance` (foreign keys as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one audit row; `before`/`after` are snapshots, only changed keys are kept."""
    before = before or {}
    after = after or {}
    changed: dict[str, Any] = {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    if note:
        changed["note"] = note
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        changes=changed,
    )


def audit_api_call(
    *, actor: Any, method: str, path: str, status: int, token_id: int | None
) -> AuditEvent:
    """One row per API call: who (and with which token), what, and how it ended."""
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=AuditAction.API_CALL,
        object_type="api",
        object_id=str(status),
        object_repr=f"{method} {path}"[:200],
        changes={"token": token_id} if token_id else {},
    )


def workflow_step_audit(step: Step[Any]) -> None:
    """A workflow effect (core.workflow): one audit row per step — created when the record
    starts, else a transition — with the state before and after, the step's changes and its
    text."""
    audit_record(
        actor=step.actor,
        action=AuditAction.CREATE if not step.source else AuditAction.TRANSITION,
        target=step.record,
        before={"state": step.source},
        after={
            "state": step.transition.target,
            **{key: _plain(value) for key, value in step.changes.items()},
        },
        note=step.text[:300],
    )
