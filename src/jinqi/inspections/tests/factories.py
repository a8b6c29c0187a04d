"""Inspection records for tests, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from jinqi.accounts.models import User
from jinqi.inspections import services
from jinqi.inspections.enums import PlanKind
from jinqi.inspections.models import InspectionItem, Inspector, Plan
from jinqi.registry.models import Enterprise
from jinqi.registry.tests import factories as registry_factories

_numbers = itertools.count(1)


def item(staff: User, *, publish: bool = True, **data: Any) -> InspectionItem:
    n = next(_numbers)
    values: dict[str, Any] = {
        "code": f"JC-{n:03d}",
        "name": f"危险化学品储存检查{n}",
        "legal_basis": "《危险化学品安全管理条例》第二十四条",
        "content": "储存场所、设施是否符合国家标准",
        "standard": "GB 15603-2022",
        **data,
    }
    created = services.item_save(data=services.ItemIn(**values), acting_user=staff)
    if publish:
        created = services.item_publish(item=created, acting_user=staff)
    return created


def plan(staff: User, items: Sequence[InspectionItem] = (), **data: Any) -> Plan:
    """A filed planned inspection of the staff's department."""
    values: dict[str, Any] = {
        "year": 2026,
        "kind": PlanKind.PLANNED,
        "title": f"2026年度双随机抽查计划{next(_numbers)}",
        "item_ids": [i.pk for i in items],
        **data,
    }
    return services.plan_receive(data=services.PlanIn(**values), acting_user=staff)


def inspector(staff: User, **data: Any) -> Inspector:
    n = next(_numbers)
    values: dict[str, Any] = {
        "name": f"执法员{n}",
        "certificate_number": f"31011600{n:04d}",
        "valid_from": dt.date(2024, 1, 1),
        "valid_to": dt.date(2028, 12, 31),
        **data,
    }
    return services.inspector_add(data=services.InspectorIn(**values), acting_user=staff)


def classed(risk_class: str, **data: Any) -> Enterprise:
    """An enterprise in operation whose profile holds its market-regulation credit class."""
    from jinqi.registry.models import Profile

    firm = registry_factories.enterprise(**data)
    # The profile is the registry's derivation; tests set the one column the draw reads.
    Profile.objects.update_or_create(enterprise=firm, defaults={"market_risk_class": risk_class})
    return firm
