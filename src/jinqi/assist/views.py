"""Pages of accompanied procedures: the enterprise books and follows its own; the service centre
assigns officials and opens times; the official records the visit and its difficulties; the
responsible department works the improvement items; the lead office sees the figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.accounts.models import Department, User
from jinqi.assist import selectors, services
from jinqi.assist.enums import BookingState, ItemState
from jinqi.assist.forms import ActForm, BookForm, DifficultyForm, RescheduleForm, SlotsForm
from jinqi.assist.permissions import BOOK, SERVE, SUPERVISE, VIEW, WORK, is_official
from jinqi.assist.workflow import BOOKING_WORKFLOW, ITEM_WORKFLOW, Action
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.permissions import has_capability, requires
from jinqi.registry.selectors import enterprise_of
from jinqi.web.actions import form_refused, perform

PAGE_SIZE = 30
# The actions by name for templates (a class would be called by the template engine).
ACTIONS = {action.name: action.value for action in Action}


@requires(BOOK)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    bookings = selectors.bookings_visible_to(request.user)
    return render(
        request,
        "assist/mine.html",
        {
            "page_obj": Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page")),
            "registered": enterprise_of(request.user) is not None,
        },
    )


@requires(BOOK)
def book(request: AuthenticatedRequest) -> HttpResponse:
    form = BookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_book(
                matter=form.cleaned_data["matter"],
                slot=form.cleaned_data["slot"],
                note=form.cleaned_data["note"],
                contact_phone=form.cleaned_data["contact_phone"],
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Booked: %(ref)s.") % {"ref": booking.reference})
            return redirect("assist:booking", booking.pk)
    return render(request, "assist/book.html", {"form": form})


@requires(VIEW)
def booking(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = selectors.booking_for(request.user, pk)
    allowed = {t.action for t in BOOKING_WORKFLOW.available(record, request.user)}
    context: dict[str, Any] = {
        "booking": record,
        "allowed": allowed,
        "actions": ACTIONS,
        "steps": selectors.timeline(record, BOOKING_WORKFLOW),
        "items": record.items.select_related("department").order_by("pk"),
        "today": clock.today(),
        "perms_work": has_capability(request.user, WORK),
    }
    if Action.ASSIGN in allowed:
        context["officials"] = selectors.official_choices(record)
        context["on_duty"] = [e.official_id for e in selectors.officials_on_duty(record.slot)]
    if Action.RESCHEDULE in allowed:
        context["reschedule"] = RescheduleForm(initial={"lock_version": record.lock_version})
    if record.state == BookingState.HELD and is_official(request.user, record):
        context["difficulty"] = DifficultyForm()
    return render(request, "assist/booking.html", context)


def _official(pk: int | None) -> User:
    official = User.objects.filter(pk=pk).first() if pk else None
    if official is None:
        raise DomainError(_("Choose an official from the rota or the staff list."))
    return official


@requires(VIEW)
@require_POST
def booking_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = selectors.booking_for(request.user, pk)
    if request.POST.get("action") == Action.RESCHEDULE:
        reschedule = RescheduleForm(request.POST)
        if not reschedule.is_valid():
            form_refused(request, reschedule)
            return redirect("assist:booking", record.pk)
        perform(
            request,
            lambda: services.booking_reschedule(
                booking=record,
                slot=reschedule.cleaned_data["slot"],
                lock_version=reschedule.cleaned_data["lock_version"],
                acting_user=request.user,
            ),
            lambda b: _("Moved to %(slot)s.") % {"slot": b.slot},
        )
        return redirect("assist:booking", record.pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("assist:booking", record.pk)
    data = form.cleaned_data
    common = {"booking": record, "lock_version": data["lock_version"], "acting_user": request.user}
    steps = {
        Action.CANCEL: lambda: services.booking_cancel(text=data["text"], **common),
        Action.ASSIGN: lambda: services.booking_assign(
            official=_official(data["official"]), **common
        ),
        Action.HOLD: lambda: services.booking_hold(record=data["text"], **common),
        Action.MISS: lambda: services.booking_miss(text=data["text"], **common),
        Action.RATE: lambda: services.booking_rate(rating=data["rating"] or 0, **common),
    }
    step = steps.get(data["action"])
    if step is None:
        messages.error(request, _("This action does not exist."))
    else:
        perform(
            request,
            step,
            lambda b: _("The procedure is now “%(state)s”.") % {"state": b.get_state_display()},
        )
    return redirect("assist:booking", record.pk)


@requires(SERVE)
@require_POST
def difficulty_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = selectors.booking_for(request.user, pk)
    if not is_official(request.user, record):
        raise Http404
    form = DifficultyForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("assist:booking", record.pk)
    perform(
        request,
        lambda: services.difficulty_record(
            booking=record,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            department=form.cleaned_data["department"],
            acting_user=request.user,
        ),
        lambda item: (
            _("Improvement item %(ref)s was routed to %(dept)s, due %(day)s.")
            % {"ref": item.reference, "dept": item.department.name, "day": item.due_on.isoformat()}
        ),
    )
    return redirect("assist:booking", record.pk)


@requires(WORK)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    bookings = selectors.bookings_visible_to(request.user)
    state = request.GET.get("state", "")
    if state in BookingState.values:
        bookings = bookings.filter(state=state)
    mine_only = request.GET.get("mine") == "1"
    if mine_only:
        bookings = bookings.filter(official=request.user)
    return render(
        request,
        "assist/queue.html",
        {
            "page_obj": Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page")),
            "states": BookingState.choices,
            "state": state,
            "mine_only": mine_only,
            "may_open_slots": selectors.windows_run_by(request.user).exists(),
            "supervises": has_capability(request.user, SUPERVISE),
        },
    )


@requires(WORK)
def items(request: AuthenticatedRequest) -> HttpResponse:
    today = clock.today()
    found = selectors.items_visible_to(request.user)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        found = found.overdue(today)
    state = request.GET.get("state", "")
    if state in ItemState.values:
        found = found.filter(state=state)
    return render(
        request,
        "assist/items.html",
        {
            "page_obj": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "states": ItemState.choices,
            "state": state,
            "overdue": overdue,
            "today": today,
        },
    )


@requires(WORK)
def item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = selectors.item_for(request.user, pk)
    allowed = {t.action for t in ITEM_WORKFLOW.available(record, request.user)}
    return render(
        request,
        "assist/item.html",
        {
            "item": record,
            "allowed": allowed,
            "actions": ACTIONS,
            "steps": selectors.timeline(record, ITEM_WORKFLOW),
            "overdue": record.overdue_on(clock.today()),
            "departments": selectors.departments_for_routing().exclude(pk=record.department_id)
            if allowed & {Action.TRANSFER, Action.REASSIGN}
            else [],
        },
    )


@requires(WORK)
@require_POST
def item_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = selectors.item_for(request.user, pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        form_refused(request, form)
        return redirect("assist:item", record.pk)
    data = form.cleaned_data
    department = (
        Department.objects.units().filter(pk=data["department"]).first()
        if data["department"]
        else None
    )
    perform(
        request,
        lambda: services.item_transition(
            item=record,
            action=data["action"],
            lock_version=data["lock_version"],
            text=data["text"],
            department=department,
            acting_user=request.user,
        ),
        lambda i: _("The improvement item is now “%(state)s”.") % {"state": i.get_state_display()},
    )
    return redirect("assist:item", record.pk)


@requires(SUPERVISE)
def statistics(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "assist/statistics.html",
        {"figures": selectors.figures(), "departments": selectors.items_by_department()},
    )


@requires(SERVE)
def slots(request: AuthenticatedRequest) -> HttpResponse:
    form = SlotsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.slots_open(
                window=data["window"],
                first=data["first"],
                last=data["last"],
                times=data["times"],
                capacity=data["capacity"],
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(n)s times were opened.") % {"n": added})
            return redirect("assist:slots")
    upcoming = selectors.slots_of(request.user)[:60]
    return render(request, "assist/slots.html", {"form": form, "upcoming": upcoming})
