"""The data package an institution reads under a consent (一网畅融's one data exit), and the
gate in front of it: only a consent in force, of that institution, for that enterprise opens it;
anything else is a refusal that reveals nothing (whether the enterprise exists or not); every
read is logged for the enterprise to see and written to the audit trail.

The package is named data: registration facts, the profile's facts with their source and as-of
date in four sections, the credit records the enterprise itself sees, and — only when the
consent names them — the legal representative's identity number and phone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import PermissionDenied
from jinqi.credit.enums import RecordStatus
from jinqi.credit.selectors import records_of_enterprise
from jinqi.financing.enums import ConsentStatus
from jinqi.financing.membership import institution_of
from jinqi.financing.models import Consent, PackageRead
from jinqi.registry.selectors import profile_with_sources
from jinqi.registry.vocabulary import value_label
from jinqi.registry.wording import show_value

# The package's sections and the profile facts each holds (named, so a new profile field is not
# handed to banks without someone deciding it belongs in the package).
SECTIONS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (
        "operations",
        gettext_lazy("Operations"),
        (
            "employees",
            "revenue",
            "total_assets",
            "size_class",
            "is_high_tech",
            "is_specialised_sme",
        ),
    ),
    (
        "tax",
        gettext_lazy("Tax"),
        ("tax_credit_level", "tax_paid", "vat_small_scale_taxpayer"),
    ),
    (
        "social_insurance",
        gettext_lazy("Social insurance"),
        ("insured_employees", "social_insurance_arrears", "ui_contribution_months"),
    ),
    (
        "credit",
        gettext_lazy("Credit"),
        (
            "market_risk_class",
            "in_abnormal_list",
            "in_serious_dishonesty_list",
            "administrative_penalties",
        ),
    ),
)
# Records a bank may see: in force or repaired (a masked one is hidden by a court's ruling).
SHARED_RECORD_STATES = (RecordStatus.PUBLISHED, RecordStatus.REPAIRED)


@dataclass(frozen=True)
class PackageFact:
    key: str
    label: str
    value: Any  # as stored: a number, a code, yes/no
    shown: str  # as a person reads it, with its unit
    source: str  # the department that supplied it, or what derives it
    as_of: dt.date | None
    year: int | None


@dataclass(frozen=True)
class PackageSection:
    key: str
    title: str
    facts: list[PackageFact]


@dataclass(frozen=True)
class PackageRecord:
    kind: str
    severity: str
    status: str
    decision_number: str
    decided_on: dt.date
    department: str
    summary: str
    legal_basis: str


@dataclass(frozen=True)
class Package:
    consent: Consent
    uscc: str
    name: str
    registration: list[tuple[str, str]]  # (label, value) from the registration record
    registration_as_of: dt.date
    sections: list[PackageSection]
    records: list[PackageRecord]
    representative: dict[str, str] = field(default_factory=dict)  # only when the consent says


def refusal(consent: Consent | None, today: dt.date) -> str | None:
    """Why a consent does not open the package today; None when it does."""
    if consent is None:
        return _("There is no consent of this enterprise for your institution.")
    status = consent.status_on(today)
    if status == ConsentStatus.WITHDRAWN:
        assert consent.withdrawn_at is not None
        return _("The enterprise withdrew this consent on %(date)s.") % {
            "date": localdate(consent.withdrawn_at).isoformat()
        }
    if status == ConsentStatus.EXPIRED:
        return _("This consent expired on %(date)s.") % {"date": consent.valid_until.isoformat()}
    if status == ConsentStatus.NOT_YET:
        return _("This consent is in force from %(date)s.") % {
            "date": consent.valid_from.isoformat()
        }
    return None


def package_read(*, uscc: str, consent_id: int | None, channel: str, acting_user: User) -> Package:
    """The package, logged and audited; PermissionDenied with the reason otherwise. The consent
    is looked up by the caller's institution and the code together, so a code without a consent
    is refused in the same words whether or not the enterprise exists."""
    institution = institution_of(acting_user)
    consent = None
    if institution is not None and consent_id is not None:
        consent = (
            Consent.objects.filter(pk=consent_id, institution=institution, enterprise__uscc=uscc)
            .select_related("enterprise", "institution")
            .first()
        )
    reason = refusal(consent, clock.today())
    if reason is not None:
        raise PermissionDenied(reason)
    assert consent is not None
    with transaction.atomic():
        PackageRead.objects.create(
            consent=consent, reader=acting_user, channel=channel, at=clock.now()
        )
        audit_record(
            actor=acting_user,
            action=(
                AuditAction.READ_PERSONAL_DATA
                if consent.include_representative
                else AuditAction.API_CALL
            ),
            target=consent,
            note=_("Data package of %(uscc)s read (%(channel)s)")
            % {"uscc": uscc, "channel": channel},
        )
    return package_of(consent)


def package_of(consent: Consent) -> Package:
    """What the consent shows; the caller has checked it is in force."""
    enterprise = consent.enterprise
    held = profile_with_sources(enterprise)
    sections = [
        PackageSection(
            key,
            str(title),
            [
                PackageFact(
                    k,
                    str(sourced.field.label),
                    sourced.value,
                    show_value(value_label(k, sourced.value), sourced.field.unit),
                    sourced.source,
                    sourced.as_of,
                    sourced.year,
                )
                for k in keys
                if (sourced := held.get(k)) is not None
            ],
        )
        for key, title, keys in SECTIONS
    ]
    records = [
        PackageRecord(
            r.kind,
            r.severity,
            r.status,
            r.decision_number,
            r.decided_on,
            r.department.name,
            r.summary,
            r.legal_basis,
        )
        for r in records_of_enterprise(enterprise).filter(status__in=SHARED_RECORD_STATES)
    ]
    representative = {}
    if consent.include_representative:
        representative = {
            "name": enterprise.legal_representative,
            "id_number": enterprise.legal_representative_id_number,
            "phone": enterprise.legal_representative_phone,
        }
    return Package(
        consent=consent,
        uscc=enterprise.uscc,
        name=enterprise.name,
        registration=[
            (_("Registration status"), enterprise.get_status_display()),
            (_("Established on"), show_value(enterprise.established_on)),
            (_("Registered capital"), show_value(enterprise.registered_capital, "万元")),
            (_("Enterprise type"), enterprise.enterprise_type),
            (_("Registered address"), enterprise.registered_address),
            (_("Legal representative"), enterprise.legal_representative),
        ],
        registration_as_of=localdate(enterprise.updated_at),
        sections=sections,
        records=records,
        representative=representative,
    )
