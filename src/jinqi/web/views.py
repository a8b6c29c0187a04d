"""Site-wide pages with no domain: the home page, the enterprise's own page and the health
check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import AUTHENTICATED, has_capability, requires
from jinqi.web.navigation import landing_for
from jinqi.web.permissions import PORTAL, TODO
from jinqi.web.portal import panels_for
from jinqi.web.todo import todo_for


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The public home page; a logged-in user who has a page of their own is sent there (the
    enterprise to its page, staff to their to-do page, the lead office to its console)."""
    landing = landing_for(request.user)
    if landing != reverse("web:home"):
        return redirect(landing)
    return render(request, "web/home.html")


@requires(TODO)
def todo(request: HttpRequest) -> HttpResponse:
    """待办: how much of each kind of work waits for the user, each count a link to the work."""
    counts = todo_for(request)
    return render(
        request,
        "web/todo.html",
        {"counts": counts, "waiting": sum(c.count for c in counts)},
    )


@requires(AUTHENTICATED)
@cached_page
def portal(request: HttpRequest) -> HttpResponse:
    """The enterprise's own page: the panels feature apps registered, most urgent first. Other
    roles have no such page and are sent to where they start rather than shown a bare 403."""
    if not has_capability(request.user, PORTAL):
        messages.info(request, _("The personal page is for enterprise users."))
        return redirect(landing_for(request.user))
    return render(request, "web/portal/page.html", {"panels": panels_for(request)})


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
