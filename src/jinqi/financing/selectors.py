"""Every read of financing a user can trigger, taking the user: another enterprise's request or
consent, or a request another institution holds, is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from jinqi.core.permissions import has_capability
from jinqi.financing import permissions
from jinqi.financing.enums import RequestState
from jinqi.financing.membership import institution_of
from jinqi.financing.models import (
    Consent,
    FinancingRequest,
    Institution,
    PackageRead,
    Product,
)
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of


def own_enterprise(user: Any) -> Enterprise:
    enterprise = enterprise_of(user) if has_capability(user, permissions.REQUEST) else None
    if enterprise is None:
        raise Http404
    return enterprise


def own_institution(user: Any) -> Institution:
    institution = institution_of(user) if has_capability(user, permissions.WORK) else None
    if institution is None:
        raise Http404
    return institution


def products_offered() -> QuerySet[Product]:
    return Product.objects.offered()


def products_managed(user: Any) -> QuerySet[Product]:
    """Every product, offered or not, for the finance office."""
    if not permissions.is_finance_office(user):
        raise Http404
    return Product.objects.all()


def product_managed(user: Any, pk: int) -> Product:
    found = products_managed(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def institutions() -> QuerySet[Institution]:
    return Institution.objects.all()


def _requests() -> QuerySet[FinancingRequest]:
    return FinancingRequest.objects.select_related(
        "enterprise", "institution", "granted_product"
    ).prefetch_related("products")


def requests_visible_to(user: Any) -> QuerySet[FinancingRequest]:
    """An enterprise its own; an institution those waiting for one and those it took up; the
    finance and lead offices every one."""
    if has_capability(user, permissions.REQUEST):
        return _requests().filter(enterprise=own_enterprise(user))
    if has_capability(user, permissions.WORK):
        institution = own_institution(user)
        return _requests().filter(Q(state=RequestState.SUBMITTED) | Q(institution=institution))
    if has_capability(user, permissions.OVERSEE):
        return _requests()
    raise Http404


def request_for(user: Any, pk: int) -> FinancingRequest:
    found = requests_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def overdue_requests(user: Any) -> QuerySet[FinancingRequest]:
    """Requests escalated to the finance office, still undecided."""
    if not has_capability(user, permissions.OVERSEE):
        raise Http404
    return _requests().filter(
        escalated_on__isnull=False, state__in=(RequestState.TAKEN, RequestState.ASKED)
    )


def consents_of_enterprise(user: Any) -> QuerySet[Consent]:
    """The enterprise's consents with every read of each, newest first."""
    return (
        Consent.objects.filter(enterprise=own_enterprise(user))
        .select_related("institution", "request")
        .prefetch_related(Prefetch("reads", queryset=PackageRead.objects.select_related("reader")))
    )


def consents_of_institution(user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(institution=own_institution(user)).select_related(
        "enterprise", "request"
    )


def consent_for(user: Any, pk: int) -> Consent:
    """A consent as its enterprise or its institution reads it."""
    if has_capability(user, permissions.REQUEST):
        found = consents_of_enterprise(user).filter(pk=pk).first()
    elif has_capability(user, permissions.WORK):
        found = consents_of_institution(user).filter(pk=pk).first()
    else:
        found = None
    if found is None:
        raise Http404
    return found
