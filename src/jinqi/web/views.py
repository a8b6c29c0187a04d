"""Site-wide pages with no domain: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
