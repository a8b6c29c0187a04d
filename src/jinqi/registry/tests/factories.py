"""Enterprises for tests, created through the registry's services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.registry.models import Enterprise, Fact, Industry
from jinqi.registry.selectors import enterprise_facts
from jinqi.registry.services import FactIn, enterprise_save, facts_record
from jinqi.registry.uscc import generate_uscc

_rng = random.Random(4754)


def industry(code: str = "C2614", name: str = "有机化学原料制造") -> Industry:
    item, _created = Industry.objects.get_or_create(code=code, defaults={"name": name})
    return item


def enterprise(uscc: str | None = None, **data: Any) -> Enterprise:
    values: dict[str, Any] = {
        "name": f"上海金山测试化工有限公司{_rng.randint(1000, 9999)}",
        "established_on": dt.date(2015, 6, 1),
        "industry": industry(),
        "town": Department.objects.get(code="town-jinshanwei"),
        "legal_representative": "张三丰",
        "contact_person": "李四",
        "contact_phone": "13812345678",
        **data,
    }
    created, _new = enterprise_save(
        uscc=uscc or generate_uscc(_rng), data=values, acting_user=system_user()
    )
    return created


def facts(target: Enterprise, source: str, as_of: dt.date, **values: Any) -> None:
    """Record facts; `revenue_2024=100` is the yearly key revenue for 2024."""
    items = []
    for name, value in values.items():
        key, _sep, year = name.rpartition("_")
        items.append(FactIn(key, value, int(year)) if year.isdigit() else FactIn(name, value))
    facts_record(
        enterprise=target,
        facts=items,
        source=Department.objects.get(code=source),
        as_of=as_of,
        acting_user=system_user(),
    )


def stored_facts(target: Enterprise | None = None, key: str | None = None) -> list[Fact]:
    """The facts in the registry (of one enterprise, or of all), newest first, each marked
    current or not as the record page shows them."""
    targets = [target] if target is not None else list(Enterprise.objects.order_by("pk"))
    return [
        fact
        for firm in targets
        for fact in enterprise_facts(firm)
        if key is None or fact.key == key
    ]


def with_wrong_check_digit(uscc: str) -> str:
    """The code with a last character that is not its check digit (an invalid code)."""
    return uscc[:-1] + ("Y" if uscc.endswith("X") else "X")
