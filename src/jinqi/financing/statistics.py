"""The finance office's figures (measures 81–85): requests, grants and their amounts, the
amount-weighted average rate and the working days from taking a request up to its decision, by
product and by institution, and as live indicators."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.core import clock
from jinqi.core.calendar import working_days_between
from jinqi.core.indicators import Indicator, register_indicator
from jinqi.core.memo import once_per_request
from jinqi.financing.enums import RequestState
from jinqi.financing.models import Consent, FinancingRequest, PackageRead


@dataclass
class Figures:
    """One row of the statistics."""

    label: str
    requests: int = 0
    granted: int = 0
    declined: int = 0
    granted_amount: Decimal = Decimal(0)
    rate_weight: Decimal = Decimal(0)  # Σ amount × rate
    decision_days: int = 0  # Σ working days from taking up to decision
    decisions: int = 0

    @property
    def weighted_rate(self) -> Decimal | None:
        if not self.granted_amount:
            return None
        return (self.rate_weight / self.granted_amount).quantize(Decimal("0.01"))

    @property
    def days_to_decision(self) -> Decimal | None:
        if not self.decisions:
            return None
        return (Decimal(self.decision_days) / self.decisions).quantize(Decimal("0.1"))

    def add(self, request: FinancingRequest) -> None:
        self.requests += 1
        if request.state == RequestState.GRANTED:
            assert request.granted_amount is not None and request.granted_rate is not None
            self.granted += 1
            self.granted_amount += request.granted_amount
            self.rate_weight += request.granted_amount * request.granted_rate
        elif request.state == RequestState.DECLINED:
            self.declined += 1
        if request.decided_on and request.taken_on:
            self.decision_days += working_days_between(request.taken_on, request.decided_on)
            self.decisions += 1


@dataclass(frozen=True)
class Statistics:
    total: Figures
    by_product: list[Figures]
    by_institution: list[Figures]


def _requests() -> Iterable[FinancingRequest]:
    return (
        FinancingRequest.objects.exclude(state=RequestState.WITHDRAWN)
        .select_related("institution", "granted_product")
        .prefetch_related("products")
    )


@once_per_request
def statistics() -> Statistics:
    """A request counts once in the total, under its institution, and under the product it was
    granted under or, until then, each product it asked for."""
    total = Figures(_("All requests"))
    by_product: dict[str, Figures] = defaultdict(lambda: Figures(""))
    by_institution: dict[str, Figures] = defaultdict(lambda: Figures(""))
    for request in _requests():
        total.add(request)
        if request.granted_product is not None:
            products = [request.granted_product.name]
        else:
            products = [p.name for p in request.products.all()] or [_("No product named")]
        for name in products:
            by_product[name].label = name
            by_product[name].add(request)
        if request.institution is not None:
            name = request.institution.name
            by_institution[name].label = name
            by_institution[name].add(request)
    return Statistics(
        total,
        sorted(by_product.values(), key=lambda f: f.label),
        sorted(by_institution.values(), key=lambda f: f.label),
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


INDICATOR_KEYS = (
    "financing.requests",
    "financing.granted_count",
    "financing.granted_amount",
    "financing.weighted_rate",
    "financing.days_to_decision",
    "financing.consents_in_force",
    "financing.package_reads",
)


def register() -> None:
    figures = (
        ("financing.requests", gettext_lazy("Financing requests"), gettext_lazy("requests"),
         lambda: statistics().total.requests),
        ("financing.granted_count", gettext_lazy("Financing requests granted"),
         gettext_lazy("requests"), lambda: statistics().total.granted),
        ("financing.granted_amount", gettext_lazy("Financing granted"), "万元",
         lambda: _float(statistics().total.granted_amount)),
        ("financing.weighted_rate", gettext_lazy("Average rate of financing granted, by amount"),
         "%", lambda: _float(statistics().total.weighted_rate)),
        ("financing.days_to_decision", gettext_lazy("Working days from taking up to decision"),
         gettext_lazy("working days"), lambda: _float(statistics().total.days_to_decision)),
        ("financing.consents_in_force", gettext_lazy("Data-sharing consents in force"),
         gettext_lazy("consents"), lambda: Consent.objects.in_force(clock.today()).count()),
        ("financing.package_reads", gettext_lazy("Data packages read by institutions"),
         gettext_lazy("reads"), lambda: PackageRead.objects.count()),
    )  # fmt: skip
    for key, label, unit, compute in figures:
        register_indicator(Indicator(key, label, unit, compute))
