"""Results publicity (结果公示), for anyone: the notices, each notice's list, objections.

A notice shows enterprise names, credit codes and amounts only: never personal data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.applications import selectors, services
from jinqi.applications.models import PublicityBatch
from jinqi.applications.workbench_forms import ObjectionForm
from jinqi.core import clock
from jinqi.core.pagecache import cached_page
from jinqi.core.permissions import PUBLIC, requires
from jinqi.web.actions import form_refused, perform
from jinqi.web.spreadsheets import xlsx_response

PAGE_SIZE = 20


def _running(batch: PublicityBatch) -> bool:
    return batch.starts_on <= clock.today() <= batch.ends_on


@requires(PUBLIC)
@cached_page
def publicity(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.batches_listed(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/publicity/list.html",
        {"page_obj": page, "today": clock.today()},
    )


@requires(PUBLIC)
def batch(request: HttpRequest, code: str, number: int) -> HttpResponse:
    notice = selectors.batch_public(code, number)
    rows = selectors.batch_rows(notice)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"{code}-{number}.xlsx",
            _("Public notice"),
            [_("Enterprise"), _("Unified social credit code"), _("Approved amount (10,000 CNY)")],
            ([r.enterprise, r.uscc, r.amount] for r in rows),
        )
    return render(
        request,
        "applications/publicity/batch.html",
        {
            "batch": notice,
            "rows": rows,
            "total": sum(r.amount or 0 for r in rows),
            "running": _running(notice),
            "form": ObjectionForm(rows=rows),
        },
    )


@requires(PUBLIC)
@require_POST
def objection(request: HttpRequest, code: str, number: int) -> HttpResponse:
    notice = selectors.batch_public(code, number)
    rows = selectors.batch_rows(notice)
    form = ObjectionForm(request.POST, rows=rows)
    back = redirect("applications:batch", code, number)
    if not form.is_valid():
        form_refused(request, form)
        return back
    data = form.cleaned_data
    about = data["application"]
    application = notice.applications.filter(reference=about).first() if about else None
    perform(
        request,
        lambda: services.objection_raise(
            batch=notice, text=data["text"], contact=data["contact"], application=application
        ),
        lambda _raised: _("Your objection was sent to the department, which will reply to you."),
    )
    return back
