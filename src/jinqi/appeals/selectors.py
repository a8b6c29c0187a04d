"""Reads of appeals, scoped by the acting user: anything out of scope is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jinqi.accounts.models import AnyUser, Department, User
from jinqi.appeals import workflow
from jinqi.appeals.enums import AppealState
from jinqi.appeals.models import OPEN_STATES, Appeal, Attachment, Category, Entry
from jinqi.appeals.permissions import FILE, HANDLE, SUPERVISE
from jinqi.appeals.similarity import DUPLICATE_THRESHOLD, DUPLICATE_WINDOW_DAYS, similarity
from jinqi.core import clock
from jinqi.core.calendar import WorkingDays
from jinqi.core.models import StoredFile
from jinqi.core.permissions import has_capability
from jinqi.registry.models import Enterprise

S = AppealState


def appeals_visible_to(user: Any) -> QuerySet[Appeal]:
    """An enterprise sees its own; a department those it is now responsible for; the lead
    office every appeal."""
    appeals = Appeal.objects.select_related("category", "department", "enterprise", "regime")
    if has_capability(user, FILE) and user.enterprise_uscc:
        return appeals.filter(enterprise__uscc=user.enterprise_uscc)
    if has_capability(user, HANDLE):
        return appeals.filter(department_id=user.department_id)
    if has_capability(user, SUPERVISE):
        return appeals
    return appeals.none()


def appeal_for(user: User, reference: str) -> Appeal:
    appeal = appeals_visible_to(user).filter(reference=reference).first()
    if appeal is None:
        raise Http404
    return appeal


def open_appeals_of(user: AnyUser, limit: int = 5) -> list[Appeal]:
    """The enterprise's open appeals, for its own page."""
    if not has_capability(user, FILE):
        return []
    return list(
        appeals_visible_to(user)
        .filter(state__in=(*OPEN_STATES, S.RESOLVED))
        .order_by("-filed_at")[:limit]
    )


# -- the queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    category: str = ""  # a category code
    overdue: bool = False
    escalated: bool = False
    query: str = ""  # reference, title or enterprise name


def work_queue(user: User, filters: QueueFilters) -> QuerySet[Appeal]:
    """The department's (or, for the lead office, every) appeal, the soonest deadline first
    among open ones, then the rest newest first."""
    appeals = appeals_visible_to(user)
    if has_capability(user, FILE):
        return appeals.none()
    if filters.state:
        appeals = appeals.filter(state=filters.state)
    if filters.category:
        appeals = appeals.filter(category__code=filters.category)
    if filters.overdue:
        appeals = appeals.filter(overdue_q(clock.today()))
    if filters.escalated:
        appeals = appeals.filter(escalated_at__isnull=False, state__in=OPEN_STATES)
    if filters.query:
        text = filters.query.strip()
        appeals = appeals.filter(
            Q(reference=text.upper())
            | Q(title__icontains=text)
            | Q(enterprise__name__icontains=text)
        )
    return appeals.order_by("state", "resolution_due", "filed_at", "pk")


def overdue_q(today: dt.date) -> Q:
    """Open appeals past a limit that is running: the first response (not yet given) or the
    resolution (while it is the department's turn)."""
    return Q(state=S.SUBMITTED, responded_on__isnull=True, response_due__lt=today) | Q(
        state__in=workflow.WITH_DEPARTMENT, resolution_due__lt=today
    )


def escalated(user: AnyUser) -> QuerySet[Appeal]:
    """Open escalated appeals, the longest escalated first (the lead office's list)."""
    if not has_capability(user, SUPERVISE):
        return Appeal.objects.none()
    return (
        appeals_visible_to(user)
        .filter(escalated_at__isnull=False, state__in=OPEN_STATES)
        .order_by("escalated_at", "pk")
    )


@dataclass(frozen=True)
class Deadline:
    """The limit running now for an appeal, in working days from today."""

    label: str  # "response" or "resolution"; "" when none runs
    due: dt.date | None
    days_left: int | None  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def running_deadline(appeal: Appeal) -> tuple[str, dt.date | None]:
    if appeal.state == S.SUBMITTED and appeal.responded_on is None:
        return "response", appeal.response_due
    if appeal.state in workflow.WITH_DEPARTMENT:
        return "resolution", appeal.resolution_due
    return "", None


def deadlines(appeals: Sequence[Appeal]) -> dict[int, Deadline]:
    """Appeal pk → the limit running now; the calendar is read once for all of them."""
    today = clock.today()
    running = {a.pk: running_deadline(a) for a in appeals}
    dates = [due for _label, due in running.values() if due]
    if not dates:
        return {pk: Deadline(label, None, None) for pk, (label, _due) in running.items()}
    days = WorkingDays(min(today, *dates), max(today, *dates))
    return {
        pk: Deadline(label, due, days.between(today, due) if due else None)
        for pk, (label, due) in running.items()
    }


# Working days before a limit from which an appeal counts as near its deadline (待办).
NEAR_DEADLINE_DAYS = 3


def todo_near_deadline(user: AnyUser) -> int | None:
    """A handling department: its open appeals whose running limit is at most
    NEAR_DEADLINE_DAYS working days away, or passed. None for anyone who handles none."""
    if not has_capability(user, HANDLE) or has_capability(user, SUPERVISE):
        return None
    waiting = list(appeals_visible_to(user).filter(state__in=workflow.WITH_DEPARTMENT))
    return sum(
        1
        for deadline in deadlines(waiting).values()
        if deadline.days_left is not None and deadline.days_left <= NEAR_DEADLINE_DAYS
    )


def todo_escalated(user: AnyUser) -> int | None:
    """The lead office: open escalated appeals."""
    if not has_capability(user, SUPERVISE):
        return None
    return escalated(user).count()


# -- one appeal --------------------------------------------------------------------------------


def timeline(appeal: Appeal) -> QuerySet[Entry]:
    """The conversation of the appeal and of the duplicates merged into it, in order."""
    return (
        Entry.objects.filter(Q(appeal=appeal) | Q(appeal__merged_into=appeal))
        .select_related("actor", "department", "appeal")
        .prefetch_related("attachments__file")
        .order_by("at", "id")
    )


def possible_duplicates(
    *,
    enterprise: Enterprise,
    category: Category,
    title: str,
    text: str,
    exclude_pk: int | None = None,
    before: dt.datetime | None = None,
) -> list[tuple[Appeal, float]]:
    """The same enterprise's appeals in the same category, filed in the last
    DUPLICATE_WINDOW_DAYS days, whose text is at least DUPLICATE_THRESHOLD alike; most alike
    first."""
    moment = before or clock.now()
    candidates = Appeal.objects.filter(
        enterprise=enterprise,
        category=category,
        filed_at__gte=moment - dt.timedelta(days=DUPLICATE_WINDOW_DAYS),
        filed_at__lte=moment,
    ).exclude(state=S.MERGED)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    told = f"{title}\n{text}"
    scored = [(a, similarity(told, f"{a.title}\n{a.text}")) for a in candidates[:200]]
    return sorted(
        ((a, s) for a, s in scored if s >= DUPLICATE_THRESHOLD), key=lambda pair: -pair[1]
    )


def duplicates_for_handler(appeal: Appeal) -> list[tuple[Appeal, float]]:
    """Earlier appeals this one may duplicate (the original to merge into), shown to the
    department handling both."""
    return [
        (original, score)
        for original, score in possible_duplicates(
            enterprise=appeal.enterprise,
            category=appeal.category,
            title=appeal.title,
            text=appeal.text,
            exclude_pk=appeal.pk,
            before=appeal.filed_at,
        )
        if original.department_id == appeal.department_id
    ]


def merge_target_for(user: User, reference: str) -> Appeal:
    return appeal_for(user, reference)


def attachment_download_allowed(user: User, stored: StoredFile) -> bool:
    """The upload component's rule for appeal attachments: whoever may see the appeal, or the
    original a duplicate was merged into."""
    visible = appeals_visible_to(user)
    return Attachment.objects.filter(
        Q(appeal__in=visible) | Q(appeal__merged_into__in=visible), file=stored
    ).exists()


# -- the routing table -------------------------------------------------------------------------


def routing_table() -> QuerySet[Category]:
    return Category.objects.select_related("department", "regime").order_by("sort_order", "code")


def categories_offered() -> QuerySet[Category]:
    return routing_table().filter(is_active=True)


def handling_departments() -> QuerySet[Department]:
    """Departments an appeal can be routed or transferred to: units, not groups."""
    return Department.objects.units().order_by("sort_order", "code")
