"""Service guides and FAQs: public lists and pages, and a department's own editing pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import PUBLIC, requires
from jinqi.guides import selectors, services
from jinqi.guides.forms import FaqForm, GuideForm
from jinqi.guides.permissions import MANAGE
from jinqi.web.actions import perform

PAGE_SIZE = 20


@requires(PUBLIC)
@cached_page
def guide_list(request: HttpRequest) -> HttpResponse:
    guides = selectors.guides_public(request.GET.get("department", "")[:40])
    return render(
        request,
        "guides/guide_list.html",
        {"page_obj": Paginator(guides, PAGE_SIZE).get_page(request.GET.get("page"))},
    )


@requires(PUBLIC)
def guide_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "guides/guide_detail.html", {"guide": selectors.guide_public(pk)})


@requires(PUBLIC)
def faq_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")[:60]
    faqs = selectors.faqs_public(category)
    return render(
        request,
        "guides/faq_list.html",
        {
            "page_obj": Paginator(faqs, PAGE_SIZE).get_page(request.GET.get("page")),
            "categories": selectors.faq_categories(),
            "category": category,
        },
    )


@requires(PUBLIC)
def faq_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "guides/faq_detail.html", {"faq": selectors.faq_public(pk)})


@requires(MANAGE)
def manage(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "guides/manage.html",
        {
            "guides": selectors.guides_managed(request.user),
            "faqs": selectors.faqs_managed(request.user),
        },
    )


def _editor(
    request: AuthenticatedRequest,
    form: GuideForm | FaqForm,
    save: Callable[[Any], Any],
    saved_message: str,
    detail: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The create and edit pages of guides and FAQs: validate, call the service, go to the page."""
    if request.method == "POST" and form.is_valid():
        try:
            item = save(form.data_object())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, saved_message)
            return redirect(detail, item.pk)
    return render(request, "guides/edit.html", {"form": form, **context})


@requires(MANAGE)
def guide_create(request: AuthenticatedRequest) -> HttpResponse:
    return _editor(
        request,
        GuideForm(request.POST or None),
        lambda data: services.guide_create(data=data, acting_user=request.user),
        _("The service guide was published."),
        "guides:guide_detail",
        {"heading": _("New service guide")},
    )


@requires(MANAGE)
def guide_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guide = selectors.guide_managed(request.user, pk)
    return _editor(
        request,
        GuideForm(request.POST or None, initial=GuideForm.initial_for(guide)),
        lambda data: services.guide_update(guide=guide, data=data, acting_user=request.user),
        _("The service guide was saved."),
        "guides:guide_detail",
        {"heading": guide.title, "delete_url": "guides:guide_delete", "item": guide},
    )


@requires(MANAGE)
@require_POST
def guide_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guide = selectors.guide_managed(request.user, pk)
    perform(
        request,
        lambda: services.guide_delete(guide=guide, acting_user=request.user),
        lambda _r: _("The service guide was deleted."),
    )
    return redirect("guides:manage")


@requires(MANAGE)
def faq_create(request: AuthenticatedRequest) -> HttpResponse:
    return _editor(
        request,
        FaqForm(request.POST or None),
        lambda data: services.faq_create(data=data, acting_user=request.user),
        _("The question and its answer were published."),
        "guides:faq_detail",
        {"heading": _("New question")},
    )


@requires(MANAGE)
def faq_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    faq = selectors.faq_managed(request.user, pk)
    return _editor(
        request,
        FaqForm(request.POST or None, initial=FaqForm.initial_for(faq)),
        lambda data: services.faq_update(faq=faq, data=data, acting_user=request.user),
        _("The question and its answer were saved."),
        "guides:faq_detail",
        {"heading": faq.question, "delete_url": "guides:faq_delete", "item": faq},
    )


@requires(MANAGE)
@require_POST
def faq_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    faq = selectors.faq_managed(request.user, pk)
    perform(
        request,
        lambda: services.faq_delete(faq=faq, acting_user=request.user),
        lambda _r: _("The question was deleted."),
    )
    return redirect("guides:manage")
