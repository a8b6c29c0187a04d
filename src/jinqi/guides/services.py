"""Writes of service guides and FAQs: atomic, audited, by the owning department's staff only.
(The search index follows the saves through the search app's registry.)"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.guides.models import Faq, ServiceGuide
from jinqi.guides.permissions import MANAGE, can_manage

Item = TypeVar("Item", ServiceGuide, Faq)


@dataclass
class GuideData:
    title: str
    matter: str
    body: str
    online_url: str = ""


@dataclass
class FaqData:
    category: str
    question: str
    answer: str


def _check_staff(user: User) -> Any:
    department = getattr(user, "department", None)
    if not has_capability(user, MANAGE) or department is None:
        raise PermissionDenied(_("Only department staff can write service guides and FAQs."))
    return department


def _check_owner(user: User, item: ServiceGuide | Faq) -> None:
    if not can_manage(user, item):
        raise PermissionDenied(_("Only the department that wrote it can change it."))


def _check_text(*values: str) -> None:
    if not all(value.strip() for value in values):
        raise DomainError(_("Fill in every required field."))


def _create(model: type[Item], values: dict[str, Any], acting_user: User) -> Item:
    department = _check_staff(acting_user)
    now = clock.now()
    item = model.objects.create(**values, department=department, created_at=now, updated_at=now)
    audit_record(actor=acting_user, action=AuditAction.CREATE, target=item, after=snapshot(item))
    return item


def _update(item: Item, values: dict[str, Any], acting_user: User) -> Item:
    _check_owner(acting_user, item)
    before = snapshot(item)
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_at = clock.now()
    item.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=item,
        before=before,
        after=snapshot(item),
    )
    return item


def _delete(item: ServiceGuide | Faq, acting_user: User) -> None:
    _check_owner(acting_user, item)
    audit_record(actor=acting_user, action=AuditAction.DELETE, target=item, before=snapshot(item))
    item.delete()


@transaction.atomic
def guide_create(*, data: GuideData, acting_user: User) -> ServiceGuide:
    _check_text(data.title, data.matter, data.body)
    return _create(ServiceGuide, asdict(data), acting_user)


@transaction.atomic
def guide_update(*, guide: ServiceGuide, data: GuideData, acting_user: User) -> ServiceGuide:
    _check_text(data.title, data.matter, data.body)
    return _update(guide, asdict(data), acting_user)


@transaction.atomic
def guide_delete(*, guide: ServiceGuide, acting_user: User) -> None:
    _delete(guide, acting_user)


@transaction.atomic
def faq_create(*, data: FaqData, acting_user: User) -> Faq:
    _check_text(data.category, data.question, data.answer)
    return _create(Faq, asdict(data), acting_user)


@transaction.atomic
def faq_update(*, faq: Faq, data: FaqData, acting_user: User) -> Faq:
    _check_text(data.category, data.question, data.answer)
    return _update(faq, asdict(data), acting_user)


@transaction.atomic
def faq_delete(*, faq: Faq, acting_user: User) -> None:
    _delete(faq, acting_user)
