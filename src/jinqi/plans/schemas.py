from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from jinqi.core.schemas import LineText, MultiLineText


class PlanOut(Schema):
    code: str
    title: str
    year: int
    document_number: str


class MeasurePublicOut(Schema):
    seq: int
    pilot: bool
    service_area: str
    action: str
    reform_item: str
    measure: str
    units: str
    deadline: str
    status: str
    overdue: bool
    public_summary: str


class ReportIn(Schema):
    period: LineText = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Month, YYYY-MM.")
    status: LineText = Field(..., description="not_started, in_progress, completed or blocked.")
    narrative: MultiLineText = Field(..., min_length=1, max_length=5000)
    indicator_values: dict[LineText, float] = Field(default_factory=dict)
    submit: bool = False


class ReportOut(Schema):
    id: int
    measure_seq: int
    department: str
    period: dt.date
    status: str
    state: str
    narrative: str
    rating: str
    review_comment: str
    version: int
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_measure_seq(obj: Any) -> int:
        return int(obj.assignment.measure.seq)

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return str(obj.assignment.department.code)

    @staticmethod
    def resolve_version(obj: Any) -> int:
        """The API's name for the report's lock_version (what a review sends back)."""
        return int(obj.lock_version)


class ReviewIn(Schema):
    rating: LineText
    comment: MultiLineText = ""
    public_summary: MultiLineText = ""
    version: int
