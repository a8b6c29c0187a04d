from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from jinqi.core.schemas import LineText, TextJSONObject


class FormOut(Schema):
    policy: str
    version: int
    admission: str
    answers_schema: dict[str, Any]  # JSON Schema 2020-12
    layout: dict[str, Any]
    prefilled: dict[str, Any]  # for the caller's enterprise: key → {value, source, as_of}


class ApplicationIn(Schema):
    policy: LineText
    answers: TextJSONObject = {}


class AnswersIn(Schema):
    answers: TextJSONObject


class LockIn(Schema):
    lock_version: int


class TransitionOut(Schema):
    from_state: str
    to_state: str
    at: dt.datetime
    comment: str


class AttachmentOut(Schema):
    id: int
    material: str
    file_name: str
    size: int


class ApplicationOut(Schema):
    reference: str
    policy: str
    form_version: int
    state: str
    state_label: str
    answers: dict[str, Any]
    prefilled: dict[str, Any]
    deadline: dt.date | None
    lock_version: int
    submitted_at: dt.datetime | None
    approved_amount: Decimal | None
    problems: dict[str, str]
    attachments: list[AttachmentOut]
    transitions: list[TransitionOut]
