"""Search pages: the public search with filters, and an enterprise user's saved searches."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import PUBLIC, has_capability, requires
from jinqi.search import selectors, services
from jinqi.search.forms import SearchForm
from jinqi.search.permissions import SAVE
from jinqi.search.query import Filters, Results, search
from jinqi.search.registry import sources
from jinqi.web.actions import form_refused, perform

# Shown on an empty page or when nothing is found: searches that find something in the demo.
SUGGESTIONS = ("企业开办", "一网通办", "高新技术企业", "注销", "社保", "公积金", "稳岗")


@requires(PUBLIC)
@cached_page
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: Results | None = None
    filters = Filters()
    if form.is_valid():
        filters = form.filters()
        if form.cleaned_data["q"]:
            results = search(form.cleaned_data["q"], filters, page=form.cleaned_data["page"] or 1)
            selectors.notes_for(request.user, results.hits)
            _name_kinds(results)
    can_save = has_capability(request.user, SAVE)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "filters": filters,
            "choices": selectors.filter_choices(),
            "suggestions": SUGGESTIONS,
            "can_save": can_save,
            "saved": selectors.saved_searches_of(request.user)[:20] if can_save else [],
            "page_query": _page_query(form),
            "no_terms": results is not None and not results.query.terms,
        },
    )


def _name_kinds(results: Results) -> None:
    """The badge on each result: the label its source registered for its kind."""
    labels = {source.kind: source.label for source in sources()}
    for hit in results.hits:
        hit.kind_label = labels.get(hit.document.kind, "")


def _page_query(form: SearchForm) -> str:
    """The query string without the page, for the pagination links."""
    if not form.is_valid():
        return ""
    data = {k: v for k, v in form.cleaned_data.items() if k != "page" and v}
    return urlencode(data)


@requires(SAVE)
@require_POST
def saved_create(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("search:search")
    perform(
        request,
        lambda: services.saved_search_create(
            query=form.cleaned_data["q"], filters=form.filters(), acting_user=request.user
        ),
        lambda saved: (
            _("Search saved: you will be told when a new policy matches “%(query)s”.")
            % {"query": saved.query}
        ),
    )
    return redirect(f"{reverse('search:search')}?{_page_query(form)}")


@requires(SAVE)
@require_POST
def saved_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    saved = selectors.saved_search_own(request.user, pk)
    perform(
        request,
        lambda: services.saved_search_delete(saved_search=saved, acting_user=request.user),
        lambda _result: _("The saved search was deleted."),
    )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("search:search")
