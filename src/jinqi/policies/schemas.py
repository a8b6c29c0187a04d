from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from jinqi.core.schemas import TextJSONObject


class EvaluateIn(Schema):
    profile: TextJSONObject
    as_of: dt.date | None = None
    version: int | None = None


class ConditionOut(Schema):
    text: str
    result: bool | None
    values: dict[str, Any]


class AmountOut(Schema):
    value: float | None
    unit: str
    calculation: str


class DecisionOut(Schema):
    policy: str
    version: int
    in_force: bool
    eligible: bool | None
    conditions: list[ConditionOut]
    amount: AmountOut | None = None
