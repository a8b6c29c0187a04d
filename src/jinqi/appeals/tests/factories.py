"""Appeals for tests, made through the services."""

from __future__ import annotations

from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.appeals import services
from jinqi.appeals.enums import AppealKind, Contact
from jinqi.appeals.models import Appeal, Category
from jinqi.demo.applications import PLAN_PDF
from jinqi.registry.models import Enterprise
from jinqi.registry.tests.factories import enterprise as registry_enterprise

# The seeded category 税费 goes to 金山税务局 under the 12345 regime (1 / 5 / 15 working days).
CATEGORY = "tax"
TEXT = "研发费用加计扣除的口径：委托外部机构开展的研发活动，费用能否全部计入加计扣除基数？"


def category(code: str = CATEGORY) -> Category:
    return Category.objects.select_related("department", "regime").get(code=code)


def firm(**data: Any) -> Enterprise:
    return registry_enterprise(**data)


def firm_user(enterprise: Enterprise | None = None) -> User:
    enterprise = enterprise or firm()
    return cast(User, UserFactory(enterprise=True, enterprise_uscc=enterprise.uscc))


def staff_of(item: Appeal | Category) -> User:
    return department_user(item.department.code)


def lead() -> User:
    return cast(User, UserFactory(lead_office=True))


def pdf(name: str = "说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PLAN_PDF, content_type="application/pdf")


def filed(
    user: User | None = None,
    *,
    code: str = CATEGORY,
    title: str = "研发费用加计扣除口径",
    text: str = TEXT,
    **data: Any,
) -> Appeal:
    return services.appeal_file(
        data=services.AppealData(
            kind=data.pop("kind", AppealKind.REQUEST),
            category=category(code),
            title=title,
            text=text,
            contact_channel=data.pop("contact_channel", Contact.PHONE),
            contact_value=data.pop("contact_value", "13812345678"),
        ),
        acting_user=user or firm_user(),
        **data,
    )


def step(action: Any, appeal: Appeal, user: User, **kwargs: Any) -> Appeal:
    """Call a transition service with the appeal's current lock version."""
    appeal.refresh_from_db()
    result: Appeal = action(
        appeal=appeal, lock_version=appeal.lock_version, acting_user=user, **kwargs
    )
    return result


def resolved(user: User | None = None, **data: Any) -> tuple[Appeal, User, User]:
    """An appeal answered and resolved by its department: (appeal, enterprise user, staff)."""
    user = user or firm_user()
    appeal = filed(user, **data)
    staff = staff_of(appeal)
    step(services.appeal_respond, appeal, staff, text="已收到，正在核实。")
    appeal = step(services.appeal_resolve, appeal, staff, answer="可以全部计入。")
    return appeal, user, staff
