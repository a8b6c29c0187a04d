"""Visits (综合查一次): the lead office turns the open tasks of every department into as few
visits as possible (`inspections.merging`), each with its lead department, its de-duplicated
items, each department's own certified inspectors and an inspection code the enterprise verifies
on the public page (core.documents, ADR 0014); docs/inspections.md, "The visit"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.core import clock
from jinqi.core.calendar import WorkingDays, flag_gaps
from jinqi.core.documents import DocumentContent, Section, document_issue, documents_revoke
from jinqi.core.errors import ConflictError, DomainError
from jinqi.core.models import VerifiableDocument
from jinqi.inspections.enums import PlanKind, TaskState, VisitState
from jinqi.inspections.merging import MergeTask, NoWorkingDayError, PlannedVisit, merge
from jinqi.inspections.models import (
    InspectionItem,
    Inspector,
    SectorRule,
    Task,
    Visit,
    VisitInspector,
    VisitTask,
)
from jinqi.inspections.visit_workflow import VISIT_WORKFLOW, items_of_tasks
from jinqi.registry.models import Enterprise

KIND = "inspections.visit"


@dataclass(frozen=True)
class SectorTerms:
    lead_department_id: int | None
    yearly_cap: int | None


def sector_terms(enterprise: Enterprise) -> SectorTerms:
    """The sector rule with the longest prefix of the enterprise's industry code (none: no lead
    named and no cap)."""
    code = enterprise.industry_id or ""
    rules = [r for r in SectorRule.objects.all() if code.startswith(r.industry_prefix)]
    if not rules:
        return SectorTerms(None, None)
    rule = max(rules, key=lambda r: len(r.industry_prefix))
    return SectorTerms(rule.lead_department_id, rule.yearly_cap)


def _lead(tasks: Sequence[Task], terms: SectorTerms) -> Department:
    """The department that regulates the industry when it is in the visit, else the department
    of the visit's first task."""
    for task in tasks:
        if task.department_id == terms.lead_department_id:
            return task.department
    return tasks[0].department


def _certified(inspector: Inspector, day: dt.date, enterprise: Enterprise) -> bool:
    return (
        inspector.is_active
        and inspector.valid_from <= day <= inspector.valid_to
        and not any(c.enterprise_id == enterprise.pk for c in inspector.conflicts.all())
    )


def _inspectors(tasks: Sequence[Task], day: dt.date, enterprise: Enterprise) -> list[Inspector]:
    """Each department's own certified inspectors: those drawn for its tasks whose certificate
    is valid on the day and who declared no conflict; when none is left, the first such
    inspector of its roster. A department with nobody certified stops the visit."""
    chosen: list[Inspector] = []
    for department in dict.fromkeys(task.department for task in tasks):
        drawn = [
            i
            for task in tasks
            if task.department_id == department.pk
            for i in task.inspectors.all()
            if _certified(i, day, enterprise)
        ]
        if not drawn:
            roster = Inspector.objects.filter(department=department).prefetch_related("conflicts")
            drawn = [i for i in roster if _certified(i, day, enterprise)][:1]
        if not drawn:
            raise DomainError(
                _("%(department)s has no inspector certified on %(date)s for %(enterprise)s.")
                % {"department": department.name, "date": day, "enterprise": enterprise.name}
            )
        chosen.extend(dict.fromkeys(drawn))
    return chosen


def _basis_line(task: Task) -> str:
    plan = task.plan
    line = _("%(department)s: %(plan)s (%(kind)s)") % {
        "department": task.department.name,
        "plan": plan.title,
        "kind": PlanKind(plan.kind).label,
    }
    if plan.reason_kind:
        line += _(", reason: %(reason)s") % {"reason": plan.get_reason_kind_display()}
    return line


def _content(
    enterprise: Enterprise,
    day: dt.date,
    lead: Department,
    tasks: Sequence[Task],
    items: Sequence[InspectionItem],
    inspectors: Sequence[Inspector],
) -> DocumentContent:
    departments = list(dict.fromkeys(task.department.name for task in tasks))
    kind = (
        _("Joint inspection of %(count)s departments (综合查一次)") % {"count": len(departments)}
        if len(departments) > 1
        else _("Inspection by one department")
    )
    return DocumentContent(
        title=_("Inspection code (涉企行政检查码)"),
        issuer=lead.name,
        subject=[
            (_("Enterprise"), enterprise.name),
            (_("Unified social credit code"), enterprise.uscc),
            (_("Date of the visit"), day.isoformat()),
            (_("Lead department"), lead.name),
            (_("Departments"), "、".join(departments)),
            (_("Kind of inspection"), kind),
        ],
        sections=[
            Section(
                _("Inspectors and their enforcement certificates"),
                [
                    _(
                        "%(name)s, %(department)s, certificate %(number)s, "
                        "valid %(start)s to %(end)s"
                    )
                    % {
                        "name": i.name,
                        "department": i.department.name,
                        "number": i.certificate_number,
                        "start": i.valid_from.isoformat(),
                        "end": i.valid_to.isoformat(),
                    }
                    for i in inspectors
                ],
            ),
            Section(
                _("Inspection items and their legal basis"),
                [
                    _("%(code)s %(name)s (%(department)s). Legal basis: %(basis)s")
                    % {
                        "code": item.code,
                        "name": item.name,
                        "department": item.department.name,
                        "basis": item.legal_basis,
                    }
                    for item in items
                ],
            ),
            Section(_("Why: the filed plans"), [_basis_line(task) for task in tasks]),
        ],
        notes=[
            _(
                "Only the items listed here may be inspected, only by the inspectors listed, on "
                "the date given; inspectors show their enforcement certificates."
            ),
            _(
                "The results are shared by every department of the visit; the enterprise sees "
                "them, with any rectification and its deadline, on its own page and rates the "
                "inspection there."
            ),
        ],
    )


@dataclass(frozen=True)
class BuildResult:
    visits: list[Visit]
    tasks: int

    @property
    def saved(self) -> int:
        """Visits the merge saved: one per task without it."""
        return self.tasks - len(self.visits)


def _merge_input(task: Task) -> MergeTask:
    return MergeTask(
        task_id=str(task.pk),
        department=str(task.department_id),
        uscc=task.enterprise.uscc,
        window_start=task.window_start,
        window_end=task.window_end,
        unannounced=task.unannounced,
    )


def visits_build(*, acting_user: User, tasks: QuerySet[Task] | None = None) -> BuildResult:
    """Merge the open tasks (all, or those given) into the fewest visits and issue each visit's
    inspection code. Refused, with nothing stored, when a task's window holds no working day or
    a department has no certified inspector for a visit."""
    chosen = (tasks if tasks is not None else Task.objects.all()).filter(state=TaskState.OPEN)
    rows = list(
        chosen.select_related("department", "enterprise", "plan").prefetch_related(
            "inspectors__conflicts", "inspectors__department"
        )
    )
    if not rows:
        raise DomainError(_("There are no open tasks to merge."))
    days = WorkingDays(min(t.window_start for t in rows), max(t.window_end for t in rows))
    try:
        planned = merge([_merge_input(t) for t in rows], days.is_working_day)
    except NoWorkingDayError as stranded:
        raise DomainError(
            _("No working day in the window of tasks %(ids)s; change their windows first.")
            % {"ids": "、".join(stranded.task_ids)}
        ) from None
    finally:
        flag_gaps(days.unknown_years)
    by_id = {str(t.pk): t for t in rows}
    with transaction.atomic():
        visits = [_visit_create(p, [by_id[i] for i in p.task_ids], acting_user) for p in planned]
    return BuildResult(visits, len(rows))


def _visit_create(planned: PlannedVisit, tasks: list[Task], acting_user: User) -> Visit:
    enterprise = tasks[0].enterprise
    terms = sector_terms(enterprise)
    lead = _lead(tasks, terms)
    items = items_of_tasks([t.pk for t in tasks])
    inspectors = _inspectors(tasks, planned.date, enterprise)
    earlier = (
        Visit.objects.filter(enterprise=enterprise, date__year=planned.date.year)
        .exclude(state=VisitState.CANCELLED)
        .count()
    )
    taken = Task.objects.filter(pk__in=[t.pk for t in tasks], state=TaskState.OPEN).update(
        state=TaskState.IN_VISIT
    )
    if taken != len(tasks):
        raise ConflictError(_("Some of these tasks were merged by someone else; try again."))
    with translation.override("zh-hans"):
        document = document_issue(
            kind=KIND,
            content=_content(enterprise, planned.date, lead, tasks, items, inspectors),
            valid_until=planned.date,
            acting_user=acting_user,
        )
    visit = Visit.objects.create(
        enterprise=enterprise,
        date=planned.date,
        lead_department=lead,
        short_code=document.code,
        over_cap=terms.yearly_cap is not None and earlier + 1 > terms.yearly_cap,
        created_at=clock.now(),
    )
    VisitTask.objects.bulk_create([VisitTask(visit=visit, task=t) for t in tasks])
    VisitInspector.objects.bulk_create(
        [VisitInspector(visit=visit, inspector=i, department=i.department) for i in inspectors]
    )
    VISIT_WORKFLOW.started(visit, "build", acting_user=acting_user)
    return visit


def visit_cancel(*, visit: Visit, lock_version: int, reason: str, acting_user: User) -> Visit:
    """The lead department calls a planned visit off: its tasks wait for the next merge and its
    inspection code is revoked (the public page says so, with the reason)."""
    with transaction.atomic():
        VISIT_WORKFLOW.apply(
            visit, "cancel", lock_version=lock_version, acting_user=acting_user, text=reason
        )
        Task.objects.filter(visit_link__visit=visit).update(state=TaskState.OPEN)
        VisitTask.objects.filter(visit=visit).delete()
        documents_revoke(
            documents=VerifiableDocument.objects.filter(code=visit.short_code),
            reason=reason,
        )
    return visit


def visit_close(*, visit: Visit, lock_version: int, acting_user: User) -> Visit:
    """The lead department closes a visit once every item has a result; its tasks are done."""
    with transaction.atomic():
        VISIT_WORKFLOW.apply(visit, "close", lock_version=lock_version, acting_user=acting_user)
        Task.objects.filter(visit_link__visit=visit).update(state=TaskState.DONE)
    return visit


def visits_over_cap() -> QuerySet[Visit]:
    """Visits over their enterprise's yearly cap, for the lead office to decide."""
    return Visit.objects.filter(over_cap=True, state=VisitState.PLANNED)
