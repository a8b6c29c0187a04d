"""Every read of credit a user can trigger, taking the user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability
from jinqi.credit import permissions
from jinqi.credit.enums import RecordStatus, ReorganisationState, Severity
from jinqi.credit.models import CreditGate, CreditRecord, GateEvent, Reorganisation, SamplingRatio
from jinqi.credit.periods import RepairDates
from jinqi.credit.services import record_dates
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of


@dataclass(frozen=True)
class RecordView:
    """A record with its dates and their explanation, as the enterprise and departments read it."""

    record: CreditRecord
    dates: RepairDates

    @property
    def explanation(self) -> list[str]:
        return self.dates.explanation()


def _with_dates(records: QuerySet[CreditRecord]) -> list[RecordView]:
    return [RecordView(r, record_dates(r)) for r in records]


def own_enterprise(user: User) -> Enterprise:
    enterprise = enterprise_of(user) if has_capability(user, permissions.OWN_CREDIT) else None
    if enterprise is None:
        raise Http404
    return enterprise


def records_of_enterprise(enterprise: Enterprise) -> QuerySet[CreditRecord]:
    """What the enterprise reads of its own records: every one but those taken down."""
    return (
        CreditRecord.objects.filter(enterprise=enterprise)
        .exclude(status=RecordStatus.TAKEN_DOWN)
        .select_related("department")
    )


def my_records(user: User) -> list[RecordView]:
    return _with_dates(records_of_enterprise(own_enterprise(user)))


def reorganisation_in_force(enterprise: Enterprise) -> Reorganisation | None:
    return Reorganisation.objects.filter(
        enterprise=enterprise, state=ReorganisationState.IN_FORCE
    ).first()


def gate_events_of_enterprise(enterprise: Enterprise) -> QuerySet[GateEvent]:
    return GateEvent.objects.filter(enterprise=enterprise).select_related("record")


def department_records(user: User) -> QuerySet[CreditRecord]:
    """A department's own records, newest decision first."""
    if not has_capability(user, permissions.VIEW_DEPARTMENT) or user.department_id is None:
        raise Http404
    return CreditRecord.objects.filter(department_id=user.department_id).select_related(
        "enterprise"
    )


def department_gate_events(user: User) -> QuerySet[GateEvent]:
    """Gates that fired on the department's decisions or on its records."""
    if not has_capability(user, permissions.VIEW_DEPARTMENT) or user.department_id is None:
        raise Http404
    return GateEvent.objects.filter(
        Q(department_id=user.department_id) | Q(record__department_id=user.department_id)
    ).select_related("enterprise", "record")


@dataclass(frozen=True)
class Overview:
    """The lead office's counts: records in force by class and by department."""

    by_class: list[tuple[str, int]]
    by_department: list[tuple[str, int]]
    gate_events: int
    reorganisations_in_force: int


def lead_overview(user: User) -> Overview:
    if not has_capability(user, permissions.OVERSEE):
        raise Http404
    in_force = CreditRecord.objects.filter(status=RecordStatus.PUBLISHED)
    counts = dict(in_force.values_list("severity").annotate(n=Count("pk")))
    return Overview(
        by_class=[(str(label), counts.get(value, 0)) for value, label in Severity.choices],
        by_department=list(
            in_force.values_list("department__name").annotate(n=Count("pk")).order_by("-n")
        ),
        gate_events=GateEvent.objects.count(),
        reorganisations_in_force=Reorganisation.objects.filter(
            state=ReorganisationState.IN_FORCE
        ).count(),
    )


def reorganisations_for(user: User) -> QuerySet[Reorganisation]:
    if not has_capability(user, permissions.MANAGE_REORGANISATIONS):
        raise Http404
    return Reorganisation.objects.select_related("enterprise")


def reorganisation_for(user: User, pk: int) -> Reorganisation:
    found = reorganisations_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def sampling_ratios() -> list[SamplingRatio]:
    """The sampling ratio of each risk class, A to D (the inspections app reads these)."""
    return list(SamplingRatio.objects.order_by("risk_class"))


def sampling_percent(risk_class: str) -> Decimal | None:
    """The share of a risk class drawn for inspection, in per cent (None for an unknown class)."""
    return (
        SamplingRatio.objects.filter(risk_class=risk_class)
        .values_list("percent", flat=True)
        .first()
    )


def credit_gates() -> QuerySet[CreditGate]:
    return CreditGate.objects.all()
