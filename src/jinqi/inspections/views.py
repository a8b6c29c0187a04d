"""The inspection pages: a department's items, checklists, plans, roster and draws; the lead
office's approvals and re-runs; the public page of each draw (一公开)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import PUBLIC, has_capability, requires
from jinqi.inspections import permissions, selectors, services
from jinqi.inspections.forms import (
    ChecklistForm,
    ConflictForm,
    DrawForm,
    InspectorForm,
    ItemForm,
    PlanActionForm,
    PlanForm,
)
from jinqi.inspections.workflow import PLAN_WORKFLOW
from jinqi.web.actions import form_refused, perform

PAGE_SIZE = 20


def _page(request: AuthenticatedRequest, rows: object, key: str = "page") -> object:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(key))  # type: ignore[arg-type]  # a queryset


@requires(permissions.MANAGE)
def items(request: AuthenticatedRequest) -> HttpResponse:
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_save(data=form.item_in(), acting_user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The item %(code)s was saved.") % {"code": item.code})
            return redirect("inspections:items")
    rows = selectors.items_for(request.user)
    return render(
        request, "inspections/items.html", {"page_obj": _page(request, rows), "form": form}
    )


@requires(permissions.MANAGE)
def item_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_of(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(data=form.item_in(), acting_user=request.user, item=item)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The item %(code)s was saved.") % {"code": item.code})
            return redirect("inspections:items")
    return render(request, "inspections/item_edit.html", {"item": item, "form": form})


@requires(permissions.MANAGE)
@require_POST
def item_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    perform(
        request,
        lambda: services.item_publish(item=item, acting_user=request.user),
        lambda i: _("The item %(code)s is published and may now be inspected.") % {"code": i.code},
    )
    return redirect("inspections:items")


@requires(permissions.MANAGE)
def checklists(request: AuthenticatedRequest) -> HttpResponse:
    form = ChecklistForm(request.POST or None, items=selectors.items_usable())
    if request.method == "POST" and form.is_valid():
        try:
            checklist = services.checklist_save(data=form.checklist_in(), acting_user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The checklist was saved."))
            return redirect("inspections:checklist_detail", pk=checklist.pk)
    rows = selectors.checklists_for(request.user)
    return render(
        request, "inspections/checklists.html", {"page_obj": _page(request, rows), "form": form}
    )


@requires(permissions.MANAGE)
def checklist_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    checklist = selectors.checklist_for(request.user, pk)
    entries = checklist.entries.select_related("item__department")
    return render(
        request, "inspections/checklist_detail.html", {"checklist": checklist, "entries": entries}
    )


@requires(permissions.MANAGE)
def plans(request: AuthenticatedRequest) -> HttpResponse:
    own_items = selectors.items_for(request.user).filter(is_published=True)
    form = PlanForm(request.POST or None, items=own_items)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(data=form.plan_in(), acting_user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The plan was drafted; file it before using it."))
            return redirect("inspections:plan_detail", pk=plan.pk)
    rows = selectors.plans_for(request.user)
    return render(
        request, "inspections/plans.html", {"page_obj": _page(request, rows), "form": form}
    )


@requires(permissions.APPROVE_PLANS)
def plan_approvals(request: AuthenticatedRequest) -> HttpResponse:
    rows = selectors.plans_awaiting_approval()
    return render(request, "inspections/plan_approvals.html", {"page_obj": _page(request, rows)})


@requires(permissions.PLAN_STEPS)
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "items": plan.items.all(),
            "actions": PLAN_WORKFLOW.available(plan, request.user),
            "draws": plan.draws.all(),
        },
    )


@requires(permissions.PLAN_STEPS)
@require_POST
def plan_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    form = PlanActionForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
    else:
        data = form.cleaned_data
        perform(
            request,
            lambda: services.plan_step(
                plan=plan,
                action=data["action"],
                lock_version=data["lock_version"],
                acting_user=request.user,
                text=data["text"],
            ),
            lambda p: _("The plan is now “%(state)s”.") % {"state": p.get_state_display()},
        )
    return redirect("inspections:plan_detail", pk=plan.pk)


@requires(permissions.MANAGE)
def roster(request: AuthenticatedRequest) -> HttpResponse:
    form = InspectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspector_add(data=form.inspector_in(), acting_user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The inspector was put on the roster."))
            return redirect("inspections:roster")
    return render(
        request,
        "inspections/roster.html",
        {
            "page_obj": _page(request, selectors.roster_for(request.user)),
            "conflicts": selectors.conflicts_for(request.user)[:100],
            "form": form,
            "conflict_form": ConflictForm(),
        },
    )


@requires(permissions.MANAGE)
@require_POST
def conflict_declare(request: AuthenticatedRequest) -> HttpResponse:
    form = ConflictForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("inspections:roster")
    inspector = selectors.inspector_for(request.user, form.cleaned_data["inspector"])
    perform(
        request,
        lambda: services.conflict_declare(
            inspector=inspector,
            uscc=form.cleaned_data["uscc"].strip().upper(),
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        ),
        lambda _c: _(
            "The conflict was recorded: this inspector is never drawn for that enterprise."
        ),
    )
    return redirect("inspections:roster")


@requires(permissions.DRAW)
def draws(request: AuthenticatedRequest) -> HttpResponse:
    form = DrawForm(request.POST or None, plans=selectors.plans_filed_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.draw_make(data=form.draw_in(), acting_user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Draw %(number)s made: %(n)s enterprises, published with its seed.")
                % {"number": draw.number, "n": len(draw.result)},
            )
            return redirect("inspections:draw_detail", pk=draw.pk)
    rows = selectors.draws_for(request.user)
    return render(
        request, "inspections/draws.html", {"page_obj": _page(request, rows), "form": form}
    )


@requires(permissions.DRAW)
def draw_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draw = selectors.draw_for(request.user, pk)
    tasks = draw.tasks.select_related("enterprise").prefetch_related("inspectors")
    return render(request, "inspections/draw_detail.html", {"draw": draw, "tasks": tasks})


@requires(permissions.OVERSEE)
def draw_rerun(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draw = selectors.draw_for(request.user, pk)
    try:
        rerun = services.draw_rerun(draw=draw, acting_user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("inspections:public_draw", number=draw.number)
    return render(request, "inspections/draw_rerun.html", {"draw": draw, "rerun": rerun})


@requires(PUBLIC)
def public_draws(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "inspections/public_draws.html",
        {"page_obj": _page(request, selectors.draws_public())},
    )


@requires(PUBLIC)
def public_draw(request: AuthenticatedRequest, number: str) -> HttpResponse:
    draw = selectors.draw_public(number)
    can_rerun = has_capability(request.user, permissions.OVERSEE)
    return render(request, "inspections/public_draw.html", {"draw": draw, "can_rerun": can_rerun})
