"""Service guides and FAQs as sources of the search index."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinqi.guides.models import Faq, ServiceGuide
from jinqi.search.registry import IndexedText, SearchSource, register_source


def _guide(guide: ServiceGuide) -> IndexedText:
    return IndexedText(
        key=str(guide.pk),
        title=guide.title,
        body=f"{guide.matter}\n{guide.body}",
        url=reverse("guides:guide_detail", args=[guide.pk]),
        department_code=guide.department.code,
        department_name=guide.department.name,
        updated_at=guide.updated_at,
    )


def _faq(faq: Faq) -> IndexedText:
    return IndexedText(
        key=str(faq.pk),
        title=faq.question,
        body=f"{faq.category}\n{faq.answer}",
        url=reverse("guides:faq_detail", args=[faq.pk]),
        department_code=faq.department.code,
        department_name=faq.department.name,
        updated_at=faq.updated_at,
    )


def register_search_sources() -> None:
    register_source(
        SearchSource(
            kind="guide",
            label=_("Service guide"),
            model=ServiceGuide,
            document=_guide,
            objects=lambda: ServiceGuide.objects.select_related("department").order_by("pk"),
            order=20,
        )
    )
    register_source(
        SearchSource(
            kind="faq",
            label=_("FAQ"),
            model=Faq,
            document=_faq,
            objects=lambda: Faq.objects.select_related("department").order_by("pk"),
            order=30,
        )
    )
