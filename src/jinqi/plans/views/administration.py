"""The lead office's administration of plans: import, roll-over, groups of units, the calendar."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department
from jinqi.core import calendar, clock
from jinqi.core.errors import DomainError
from jinqi.core.permissions import requires
from jinqi.plans import selectors, services
from jinqi.plans.forms import (
    CalendarDayForm,
    GroupMembersForm,
    ImportForm,
    RollOverForm,
)
from jinqi.plans.importing import PlanFileError
from jinqi.plans.permissions import SUPERVISE
from jinqi.web.actions import perform


@requires(SUPERVISE)
def plan_import(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.plan_import(
                code=form.cleaned_data["code"],
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                document_number=form.cleaned_data["document_number"],
                content=form.cleaned_data["file"].read(),
                # The name as sent (jinqi.core.multipart), as upload_store reads it.
                file_name=getattr(form.cleaned_data["file"], "client_name", None)
                or form.cleaned_data["file"].name,
                acting_user=request.user,
            )
        except PlanFileError as error:
            problems = [str(e) for e in error.errors]
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect(f"/plans/ledger/?plan={result.plan.code}")
    return render(request, "plans/import.html", {"form": form, "problems": problems})


@requires(SUPERVISE)
def plan_roll_over(request: AuthenticatedRequest, code: str) -> HttpResponse:
    source = selectors.plan_get(code)
    form = RollOverForm(
        request.POST or None,
        initial={
            "code": f"{code.rsplit('-', 1)[0]}-{source.year + 1}",
            "year": source.year + 1,
            "title": source.title,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_roll_over(
                source=source, acting_user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The new plan was created."))
            return redirect(f"/plans/ledger/?plan={plan.code}")
    return render(request, "plans/roll_over.html", {"form": form, "source": source})


@requires(SUPERVISE)
def groups(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "plans/groups.html",
        {"groups": Department.objects.groups().prefetch_related("members")},
    )


@requires(SUPERVISE)
def group_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    group = get_object_or_404(Department.objects.groups(), code=code)
    form = GroupMembersForm(request.POST or None, initial={"members": group.members.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_members_set(
                group=group, members=list(form.cleaned_data["members"]), acting_user=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The group's members were saved."))
            return redirect("plans:groups")
    return render(request, "plans/group_edit.html", {"group": group, "form": form})


@requires(SUPERVISE)
def working_calendar(request: AuthenticatedRequest) -> HttpResponse:
    """The working-day calendar deadlines are counted on, and the lead office's corrections."""
    year = clock.today().year
    asked = request.GET.get("year", "")
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        year = int(asked)
    elif asked:
        messages.warning(request, _("Enter a year from 2000 to 2100; this year is shown."))
    resolved = request.POST.get("resolve_year", "")
    if request.method == "POST" and resolved:
        if resolved.isdigit():
            perform(
                request,
                lambda: services.calendar_year_resolve(
                    year=int(resolved), acting_user=request.user
                ),
                lambda _r: _("Counts into that year now follow the calendar entered here."),
            )
        return redirect(request.path)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_day_set(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The calendar was corrected."))
            return redirect(f"{request.path}?year={form.cleaned_data['day'].year}")
    return render(
        request,
        "plans/calendar.html",
        {
            "year": year,
            "form": form,
            "overrides": calendar.calendar_overrides(year),
            "library_knows": calendar.library_knows(year),
            "gaps": calendar.calendar_gaps_open(),
        },
    )
