"""Institutions with a member, enterprises with a user, requests and consents, for tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.accounts.services import system_user
from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.financing import services
from jinqi.financing.models import Consent, FinancingRequest, Institution, Product
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise


def institution(name: str = "上海农商银行金山支行", kind: str = "bank") -> Institution:
    return services.institution_create(name=name, kind=kind, acting_user=system_user())


def member(of: Institution, **kwargs: Any) -> User:
    user = UserFactory(role=Role.INSTITUTION, **kwargs)
    services.institution_member_add(institution=of, user=user, acting_user=system_user())
    return user


def firm_user(firm: Enterprise | None = None, **data: Any) -> tuple[Enterprise, User]:
    """An enterprise in the registry and a user acting for it."""
    firm = firm or enterprise(**data)
    user = UserFactory(role=Role.ENTERPRISE, enterprise_uscc=firm.uscc)
    return firm, user


def request(user: User, amount: str = "200", **change: Any) -> FinancingRequest:
    data = {
        "amount": Decimal(amount),
        "purpose": "采购原材料",
        "term_months": 12,
        "collateral": "none",
        "products": [Product.objects.get(code="batch-guarantee")],
        **change,
    }
    return services.request_submit(data=services.RequestData(**data), acting_user=user)


def consent(
    user: User,
    to: Institution,
    days: int = 30,
    include_representative: bool = False,
    **change: Any,
) -> Consent:
    today = clock.today()
    data = {
        "institution": to,
        "purpose": "流动资金贷款审批",
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=days),
        "include_representative": include_representative,
        **change,
    }
    return services.consent_grant(data=services.ConsentData(**data), acting_user=user)
