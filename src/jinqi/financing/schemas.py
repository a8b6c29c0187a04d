"""The financing API's answers: a data package as an institution's system reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class PackageFactOut(Schema):
    key: str = Field(..., description="The profile field (docs/registry.md).")
    label: str
    value: Any
    shown: str = Field(..., description="The value as a person reads it, with its unit.")
    source: str = Field(..., description="Who supplied the value, or what derives it.")
    as_of: dt.date | None = Field(None, description="The date the value is as of.")
    year: int | None = Field(None, description="The year of a yearly figure.")


class PackageSectionOut(Schema):
    key: str
    title: str
    facts: list[PackageFactOut]


class PackageRecordOut(Schema):
    kind: str
    severity: str
    status: str
    decision_number: str
    decided_on: dt.date
    department: str
    summary: str
    legal_basis: str


class RegistrationOut(Schema):
    label: str
    value: str


class RepresentativeOut(Schema):
    name: str
    id_number: str
    phone: str


class ConsentOut(Schema):
    id: int
    purpose: str
    valid_from: dt.date
    valid_until: dt.date
    include_representative: bool


class PackageOut(Schema):
    uscc: str
    name: str
    consent: ConsentOut
    registration: list[RegistrationOut]
    registration_as_of: dt.date
    sections: list[PackageSectionOut]
    records: list[PackageRecordOut] = Field(
        ..., description="Credit records in force or repaired, as the enterprise sees them."
    )
    representative: RepresentativeOut | None = Field(
        None, description="Only when the consent names the legal representative's data."
    )
