"""Every write of financing: institutions and members, the catalogue, requests and their steps,
consents, and the daily escalation of overdue requests. Reads of packages are in `packages`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import department_staff
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.financing.eligibility import rule_problem
from jinqi.financing.membership import institution_of
from jinqi.financing.models import (
    Consent,
    FinancingRequest,
    Institution,
    InstitutionMember,
    Product,
)
from jinqi.financing.permissions import FINANCE_OFFICE, is_finance_office
from jinqi.financing.workflow import IN_HAND, REQUEST_WORKFLOW
from jinqi.notifications.services import notification_send
from jinqi.registry.selectors import enterprise_of

PRODUCT_FIELDS = (
    "code",
    "name",
    "kind",
    "summary",
    "terms",
    "max_amount",
    "max_term_months",
    "rate_note",
    "eligibility_sql",
    "source",
    "active",
    "sort_order",
)
CONSENT_FIELDS = (
    "enterprise_id",
    "institution_id",
    "purpose",
    "request_id",
    "include_representative",
    "valid_from",
    "valid_until",
    "withdrawn_at",
)
LONGEST_CONSENT_DAYS = 366  # a consent is for one purpose and a limited time: a year at most


# -- institutions --------------------------------------------------------------------------------


@transaction.atomic
def institution_create(*, name: str, kind: str, acting_user: User) -> Institution:
    if Institution.objects.filter(name=name).exists():
        raise DomainError(_("An institution of this name exists already."))
    institution = Institution.objects.create(name=name, kind=kind)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=institution,
        after={"name": name, "kind": kind},
    )
    return institution


def institution_member_add(
    *, institution: Institution, user: User, acting_user: User
) -> InstitutionMember:
    """Bind a user of the institution role to an institution: refused for another role, or when
    the user belongs to an institution already (the database says so, under any race)."""
    if user.role != Role.INSTITUTION:
        raise DomainError(_("Only a user of the financial institution role can be a member."))
    try:
        with transaction.atomic():
            member = InstitutionMember.objects.create(user=user, institution=institution)
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                target=member,
                after={"user_id": user.pk, "institution_id": institution.pk},
            )
    except IntegrityError as error:
        raise DomainError(_("This user belongs to a financial institution already.")) from error
    return member


# -- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductData:
    code: str
    name: str
    kind: str
    summary: str
    terms: str
    max_amount: Decimal
    max_term_months: int
    rate_note: str
    eligibility_sql: str
    source: str = ""
    active: bool = True
    sort_order: int = 0


def product_save(*, product: Product | None, data: ProductData, acting_user: User) -> Product:
    """The finance office adds or changes a product; the rule must be valid in the profile
    vocabulary (refused with the reason, nothing stored)."""
    if not is_finance_office(acting_user):
        raise PermissionDenied(_("Only the finance office edits the financing products."))
    problem = rule_problem(data.eligibility_sql)
    if problem:
        raise DomainError(problem)
    if data.max_amount <= 0 or data.max_term_months <= 0:
        raise DomainError(_("The largest amount and the longest term must be above zero."))
    with transaction.atomic():
        taken = Product.objects.filter(code=data.code)
        if product is not None:
            taken = taken.exclude(pk=product.pk)
        if taken.exists():
            raise DomainError(_("Another product has this code."))
        before = snapshot(product, PRODUCT_FIELDS) if product is not None else {}
        target = product or Product()
        for name in PRODUCT_FIELDS:
            setattr(target, name, getattr(data, name))
        target.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            target=target,
            before=before,
            after=snapshot(target, PRODUCT_FIELDS),
        )
    return target


# -- requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestData:
    amount: Decimal
    purpose: str
    term_months: int
    collateral: str
    products: Iterable[Product] = ()


def request_submit(*, data: RequestData, acting_user: User) -> FinancingRequest:
    """The enterprise publishes its need to the institutions."""
    enterprise = enterprise_of(acting_user)
    if enterprise is None:
        raise PermissionDenied(_("Only an enterprise registered on the platform can do this."))
    if data.amount <= 0 or data.term_months <= 0:
        raise DomainError(_("The amount and the term must be above zero."))
    if not data.purpose.strip():
        raise DomainError(_("Say what the money is for."))
    with transaction.atomic():
        request = FinancingRequest.objects.create(
            enterprise=enterprise,
            amount=data.amount,
            purpose=data.purpose.strip(),
            term_months=data.term_months,
            collateral=data.collateral,
            submitted_by=acting_user,
            submitted_on=clock.today(),
        )
        request.products.set(list(data.products))
        REQUEST_WORKFLOW.started(request, "submit", acting_user=acting_user, text=data.purpose)
    return request


@dataclass(frozen=True)
class GrantTerms:
    amount: Decimal
    rate: Decimal  # per cent a year
    term_months: int
    product: Product | None = None


def request_transition(
    *,
    request: FinancingRequest,
    action: str,
    lock_version: int,
    acting_user: User,
    text: str = "",
    terms: GrantTerms | None = None,
) -> FinancingRequest:
    """An institution takes up, asks, grants or declines; the enterprise answers or withdraws."""
    today = clock.today()
    changes: dict[str, Any] = {}
    if action == "take":
        institution = institution_of(acting_user)
        changes = {
            "institution": institution,
            "taken_on": today,
            "decide_due": add_working_days(today, settings.FINANCING_DECIDE_WORKING_DAYS),
        }
    elif action == "grant":
        if terms is None:
            raise DomainError(_("Give the granted amount, the rate and the term."))
        if terms.amount <= 0 or terms.term_months <= 0 or not 0 <= terms.rate < 100:
            raise DomainError(
                _("The amount and the term must be above zero, the rate from 0 to 100 per cent.")
            )
        changes = {
            "decided_on": today,
            "granted_amount": terms.amount,
            "granted_rate": terms.rate,
            "granted_term_months": terms.term_months,
            "granted_product": terms.product,
        }
    elif action == "decline":
        changes = {"decided_on": today, "decline_reason": text.strip()}
    step = REQUEST_WORKFLOW.apply(
        request,
        action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes=changes,
    )
    return step.record


def requests_escalate(today: dt.date | None = None) -> int:
    """Requests in an institution's hands past their decision day go to the finance office,
    once each (the daily job); returns how many."""
    today = today or clock.today()
    overdue = FinancingRequest.objects.filter(
        state__in=IN_HAND, decide_due__lt=today, escalated_on__isnull=True
    ).select_related("institution", "enterprise")
    office = Department.objects.filter(code=FINANCE_OFFICE).first()
    count = 0
    for request in overdue:
        with transaction.atomic():
            if not FinancingRequest.objects.filter(pk=request.pk, escalated_on__isnull=True).update(
                escalated_on=today
            ):
                continue  # another run escalated it
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                target=request,
                before={"escalated_on": None},
                after={"escalated_on": today.isoformat()},
                note=_("Decision overdue since %(date)s") % {"date": request.decide_due},
            )
            if office is not None:
                notification_send(
                    recipients=department_staff(office),
                    kind="financing.overdue",
                    title=_("Financing request %(reference)s overdue at %(institution)s")
                    % {"reference": request.reference, "institution": request.institution},
                    link=reverse("financing:oversight"),
                    dedup_key=f"financing-overdue:{request.pk}",
                )
            count += 1
    return count


# -- consents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentData:
    institution: Institution
    purpose: str
    valid_from: dt.date
    valid_until: dt.date
    include_representative: bool = False
    request: FinancingRequest | None = None


@transaction.atomic
def consent_grant(*, data: ConsentData, acting_user: User) -> Consent:
    """The enterprise lets one institution read its data package, for one purpose and a period
    of at most a year, starting today or later."""
    enterprise = enterprise_of(acting_user)
    if enterprise is None:
        raise PermissionDenied(_("Only an enterprise registered on the platform can do this."))
    if not data.purpose.strip():
        raise DomainError(_("Say what the institution may use the data for."))
    today = clock.today()
    if data.valid_from < today:
        raise DomainError(_("A consent cannot start in the past."))
    if data.valid_until < data.valid_from:
        raise DomainError(_("The consent must end on or after the day it starts."))
    if (data.valid_until - data.valid_from).days >= LONGEST_CONSENT_DAYS:
        raise DomainError(_("A consent lasts a year at most."))
    if data.request is not None and data.request.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise itself can do this."))
    consent = Consent.objects.create(
        enterprise=enterprise,
        institution=data.institution,
        purpose=data.purpose.strip(),
        request=data.request,
        include_representative=data.include_representative,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        granted_by=acting_user,
        granted_at=clock.now(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=consent,
        after=snapshot(consent, CONSENT_FIELDS),
    )
    notification_send(
        recipients=[m.user for m in data.institution.members.select_related("user")],
        kind="financing.consent",
        title=_("%(enterprise)s lets you read its data package") % {"enterprise": enterprise.name},
        body=consent.purpose,
        link=reverse("financing:consent_detail", kwargs={"pk": consent.pk}),
        dedup_key=f"financing-consent:{consent.pk}",
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, acting_user: User) -> Consent:
    """The enterprise withdraws a consent: the next read is refused."""
    enterprise = enterprise_of(acting_user)
    if enterprise is None or enterprise.pk != consent.enterprise_id:
        raise PermissionDenied(_("Only the enterprise itself can do this."))
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise DomainError(_("This consent was withdrawn already."))
    before = snapshot(locked, CONSENT_FIELDS)
    locked.withdrawn_at = clock.now()
    locked.withdrawn_by = acting_user
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=locked,
        before=before,
        after=snapshot(locked, CONSENT_FIELDS),
    )
    return locked
