"""The inspections API's bodies: every text passes the text boundary (core.schemas)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from jinqi.core.schemas import LineText, MultiLineText
from jinqi.inspections.enums import PlanKind, RiskLevel, TriggerReason


class ItemPushIn(Schema):
    code: LineText = Field(..., min_length=1, max_length=40)
    name: LineText = Field(..., min_length=1, max_length=200)
    legal_basis: MultiLineText = Field(..., min_length=1, max_length=2000)
    content: MultiLineText = Field(..., min_length=1, max_length=4000)
    standard: MultiLineText = Field(..., min_length=1, max_length=4000)
    risk_level: RiskLevel = RiskLevel.MEDIUM
    no_disturb: bool = Field(False, description="On the 无事不扰 list.")
    publish: bool = Field(False, description="Publish it now: only published items are used.")


class InspectionItemOut(Schema):
    id: int
    code: str
    name: str
    legal_basis: str
    risk_level: str
    no_disturb: bool
    is_published: bool
    published_at: dt.datetime | None


class PlanPushIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    kind: PlanKind
    title: LineText = Field(..., min_length=1, max_length=200)
    reason_kind: TriggerReason | None = Field(None, description="For a triggered inspection.")
    reason: MultiLineText = Field("", max_length=4000)
    description: MultiLineText = Field("", max_length=4000)
    item_codes: list[LineText] = Field(
        default_factory=list, max_length=500, description="Codes of the department's own items."
    )


class InspectionPlanOut(Schema):
    id: int
    year: int
    kind: str
    title: str
    state: str
    filed_on: dt.date | None
    publish_due: dt.date | None


class TaskOut(Schema):
    id: int
    uscc: str
    enterprise: str
    plan_id: int
    draw_number: str | None
    window_start: dt.date
    window_end: dt.date
    unannounced: bool
    state: str
    items: list[str]
    inspectors: list[str]

    @staticmethod
    def resolve_uscc(obj: object) -> str:
        return obj.enterprise.uscc  # type: ignore[attr-defined]  # a Task

    @staticmethod
    def resolve_enterprise(obj: object) -> str:
        return obj.enterprise.name  # type: ignore[attr-defined]  # a Task

    @staticmethod
    def resolve_draw_number(obj: object) -> str | None:
        draw = obj.draw  # type: ignore[attr-defined]  # a Task
        return draw.number if draw is not None else None

    @staticmethod
    def resolve_items(obj: object) -> list[str]:
        return [item.code for item in obj.items.all()]  # type: ignore[attr-defined]  # a Task

    @staticmethod
    def resolve_inspectors(obj: object) -> list[str]:
        return [i.certificate_number for i in obj.inspectors.all()]  # type: ignore[attr-defined]  # a Task
