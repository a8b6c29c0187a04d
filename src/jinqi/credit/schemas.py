"""The credit API's bodies: every text passes the text boundary (core.schemas)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from jinqi.core.schemas import LineText, MultiLineText
from jinqi.credit.enums import CreditDomain, RecordKind, Severity


class RecordPushIn(Schema):
    uscc: LineText = Field(..., min_length=1, max_length=18)
    kind: RecordKind
    severity: Severity = Field(..., description="minor (轻微), general (一般) or serious (严重).")
    domain: CreditDomain
    decision_number: LineText = Field(..., min_length=1, max_length=100)
    decided_on: dt.date
    summary: MultiLineText = Field(..., min_length=1, max_length=2000)
    legal_basis: LineText = Field(..., min_length=1, max_length=300)
    fulfilled_on: dt.date | None = Field(None, description="When the obligation was fulfilled.")
    min_months: int | None = Field(None, ge=0, le=120, description="A law's own minimum period.")
    max_months: int | None = Field(None, ge=1, le=120, description="A law's own maximum period.")
    period_basis: LineText = Field("", max_length=300, description="The law setting the periods.")


class RecordOut(Schema):
    id: int
    uscc: str
    kind: str
    severity: str
    decision_number: str
    decided_on: dt.date
    status: str
    earliest_repair_from: dt.date = Field(..., alias="repairable_from")
    takedown_on: dt.date
    obligation_fulfilled: bool
    fulfilled_on: dt.date | None
    rule_version: str
    period_basis: str

    @staticmethod
    def resolve_uscc(obj: object) -> str:
        return obj.enterprise.uscc  # type: ignore[attr-defined]
