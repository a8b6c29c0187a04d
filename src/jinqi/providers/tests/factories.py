"""Providers for tests: applied through the service, admitted by the alliance office."""

from __future__ import annotations

import itertools
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jinqi.accounts.models import Department, User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.providers import services
from jinqi.providers.enums import ProviderCategory
from jinqi.providers.models import ProviderMembership, ServiceNeed, ServiceProvider
from jinqi.registry.models import Enterprise
from jinqi.registry.tests import factories as registry_factories
from jinqi.registry.uscc import generate_uscc

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
_numbers = itertools.count(1)


def licence(name: str = "执业许可证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def office_user() -> User:
    """Staff of the alliance office (区经委)."""
    return department_user("economy")


def application(**overrides: Any) -> services.ProviderApplication:
    n = next(_numbers)
    values: dict[str, Any] = {
        "name": f"上海金山测试律师事务所{n}",
        "uscc": generate_uscc(random.Random(f"provider-{n}")),
        "category": ProviderCategory.LAW_FIRM,
        "towns": list(Department.objects.filter(code="town-zhujing")),
        "description": "合同审查、劳动用工、企业合规。",
        "contact_person": "王律师",
        "contact_phone": "021-57000000",
        "contact_email": f"lawyer{n}@example.cn",
    }
    values.update(overrides)
    return services.ProviderApplication(**values)


def applied_provider(**overrides: Any) -> ServiceProvider:
    return services.provider_apply(
        data=application(**overrides), documents=[("执业许可证", licence())], acting_user=None
    )


def admitted_provider(**overrides: Any) -> tuple[ServiceProvider, User]:
    """A provider admitted by the office, and its first account (made on admission)."""
    provider = applied_provider(**overrides)
    services.provider_transition(
        provider=provider,
        action="admit",
        lock_version=provider.lock_version,
        text="",
        acting_user=office_user(),
    )
    provider.refresh_from_db()
    return provider, provider.members.get().user


def enterprise_user(target: Enterprise | None = None) -> tuple[Enterprise, User]:
    """An enterprise of the registry and one of its users."""
    target = target or registry_factories.enterprise(name="上海金山需求测试有限公司")
    return target, UserFactory(enterprise=True, enterprise_uscc=target.uscc)


def town(code: str = "town-zhujing") -> Department:
    return Department.objects.get(code=code)


def posted_need(
    enterprise: Enterprise, user: User, *, provider: ServiceProvider | None = None, **overrides: Any
) -> ServiceNeed:
    values: dict[str, Any] = {
        "category": ProviderCategory.LAW_FIRM,
        "town": town(),
        "text": "劳动合同模板需要律师审核。",
        "provider": provider,
    }
    values.update(overrides)
    return services.need_post(
        enterprise=enterprise, data=services.NeedIn(**values), acting_user=user
    )


def member_of_admitted(user: User, **overrides: Any) -> ServiceProvider:
    """Make `user` (of Role.PROVIDER) a second member of a newly admitted provider."""
    provider, _first = admitted_provider(**overrides)
    ProviderMembership.objects.create(user=user, provider=provider, joined_at=clock.now())
    return provider
