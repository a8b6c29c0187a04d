"""Site-wide pages with no domain: the home page, the enterprise's own page and the health
check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jinqi.core.permissions import AUTHENTICATED, has_capability, requires
from jinqi.web.permissions import PORTAL
from jinqi.web.portal import panels_for


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@requires(AUTHENTICATED)
def portal(request: HttpRequest) -> HttpResponse:
    """The enterprise's own page: the panels feature apps registered, most urgent first. Other
    roles have no such page and are sent to the home page rather than shown a bare 403."""
    if not has_capability(request.user, PORTAL):
        messages.info(request, _("The personal page is for enterprise users."))
        return redirect("web:home")
    return render(request, "web/portal/page.html", {"panels": panels_for(request)})


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
