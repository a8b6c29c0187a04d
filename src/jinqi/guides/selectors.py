"""Reads of service guides and FAQs: public ones for everyone, a department's own for editing
(another department's is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jinqi.accounts.models import User
from jinqi.core.permissions import has_capability
from jinqi.guides.models import Faq, ServiceGuide
from jinqi.guides.permissions import MANAGE


def guides_public(department: str = "") -> QuerySet[ServiceGuide]:
    guides = ServiceGuide.objects.select_related("department")
    if department:
        guides = guides.filter(department__code=department)
    return guides


def guide_public(pk: int) -> ServiceGuide:
    guide = guides_public().filter(pk=pk).first()
    if guide is None:
        raise Http404
    return guide


def faqs_public(category: str = "") -> QuerySet[Faq]:
    faqs = Faq.objects.select_related("department")
    if category:
        faqs = faqs.filter(category=category)
    return faqs


def faq_public(pk: int) -> Faq:
    faq = faqs_public().filter(pk=pk).first()
    if faq is None:
        raise Http404
    return faq


def faq_categories() -> list[str]:
    return list(Faq.objects.order_by("category").values_list("category", flat=True).distinct())


def guides_managed(user: Any) -> QuerySet[ServiceGuide]:
    if not has_capability(user, MANAGE):
        return ServiceGuide.objects.none()
    return guides_public().filter(department_id=user.department_id)


def faqs_managed(user: Any) -> QuerySet[Faq]:
    if not has_capability(user, MANAGE):
        return Faq.objects.none()
    return faqs_public().filter(department_id=user.department_id)


def guide_managed(user: User, pk: int) -> ServiceGuide:
    guide = guides_managed(user).filter(pk=pk).first()
    if guide is None:
        raise Http404
    return guide


def faq_managed(user: User, pk: int) -> Faq:
    faq = faqs_managed(user).filter(pk=pk).first()
    if faq is None:
        raise Http404
    return faq
