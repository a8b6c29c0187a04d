from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from jinqi.core.schemas import LineText, TextJSON
from jinqi.registry.masking import mask_name, mask_phone


class EnterpriseOut(Schema):
    """Personal data is masked unless the caller is the enterprise itself."""

    uscc: str
    name: str
    status: str
    established_on: dt.date | None
    registered_capital: float | None
    enterprise_type: str
    industry_code: str | None
    town: str | None
    registered_address: str
    legal_representative: str
    contact_person: str
    contact_phone: str


class FactIn(Schema):
    key: LineText = Field(..., max_length=60, description="A key of the profile vocabulary.")
    value: TextJSON = Field(..., description="Typed as the vocabulary says; null means unknown.")
    year: int | None = Field(None, ge=1949, le=2100, description="For yearly figures.")


class FactsIn(Schema):
    uscc: LineText = Field(..., min_length=1, max_length=18)
    as_of: dt.date
    facts: list[FactIn] = Field(..., min_length=1, max_length=200)


class FactOut(Schema):
    key: str
    year: int | None
    value: Any
    source: str
    as_of: dt.date
    is_current: bool


class FactsOut(Schema):
    uscc: str
    recorded: list[FactOut]


class MaskedEnterpriseOut(EnterpriseOut):
    """An enterprise read from the database with its personal data masked."""

    @staticmethod
    def resolve_industry_code(obj: Any) -> str | None:
        return obj.industry_id

    @staticmethod
    def resolve_town(obj: Any) -> str | None:
        return obj.town.code if obj.town_id else None

    @staticmethod
    def resolve_registered_capital(obj: Any) -> float | None:
        return float(obj.registered_capital) if obj.registered_capital is not None else None

    @staticmethod
    def resolve_legal_representative(obj: Any) -> str:
        return mask_name(obj.legal_representative)

    @staticmethod
    def resolve_contact_person(obj: Any) -> str:
        return mask_name(obj.contact_person)

    @staticmethod
    def resolve_contact_phone(obj: Any) -> str:
        return mask_phone(obj.contact_phone)


class ImportQueuedOut(Schema):
    sha256: str
    file_name: str
    status_url: str


class ImportOut(Schema):
    """Where an import stands: queued, running, completed or failed."""

    file_name: str
    state: str
    batch: int | None = None
    rows: int = 0
    done: int = 0
    rejected: int = 0
    error_report: str | None = Field(None, description="Download URL of the rejected rows.")
