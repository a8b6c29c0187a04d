from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class EvaluateIn(Schema):
    profile: dict[str, Any]
    as_of: dt.date | None = None
    version: int | None = None


class ConditionOut(Schema):
    text: str
    result: bool | None
    values: dict[str, Any]


class DecisionOut(Schema):
    policy: str
    version: int
    in_force: bool
    eligible: bool | None
    conditions: list[ConditionOut]


class PolicyOut(Schema):
    code: str
    title: str
    department: str
    document_number: str
    article: str
    valid_from: dt.date
    valid_until: dt.date | None
    delivery: str
    summary: str
    benefit: str
    rule: str
    version: int
