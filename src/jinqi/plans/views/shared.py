"""Helpers the plan pages share."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from jinqi.plans import selectors
from jinqi.plans.models import Plan


def current_plan(request: HttpRequest) -> Plan:
    """The plan named by `?plan=`, else the latest one."""
    code = request.GET.get("plan")
    if code:
        return selectors.plan_get(code)
    plan = selectors.plans_all().first()
    if plan is None:
        raise Http404(_("No plan has been imported yet."))
    return plan


def form_errors_message(request: HttpRequest, form: Any) -> None:
    """For forms posted from another page: their errors as one message on the page returned to."""
    errors = "; ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    messages.error(request, _("Please correct the form: %(errors)s") % {"errors": errors})
