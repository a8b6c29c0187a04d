"""Monthly progress reports: the department saves and submits, the lead office reviews, returns
and publishes. Every state change goes through the report workflow (plans/workflow.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.locking import update_unless_changed
from jinqi.core.models import StoredFile
from jinqi.core.permissions import ensure_capability
from jinqi.plans.enums import MeasureStatus, Rating, ReportState
from jinqi.plans.models import Assignment, Measure, ProgressReport
from jinqi.plans.permissions import SUPERVISE, can_report
from jinqi.plans.workflow import REPORT_WORKFLOW

SAVED_FIELDS = ["status", "narrative", "state"]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _assignment_for(user: Any, measure: Measure) -> Assignment:
    # One per unit and measure: ordered by key, not by the model's ordering through relations
    # (cheaper to compile); its department and measure kept for the audit text.
    assignment = (
        Assignment.objects.filter(measure=measure, department_id=user.department_id)
        .select_related("department")
        .order_by("pk")
        .first()
    )
    if not can_report(user) or assignment is None:
        raise PermissionDenied(_("Only the measure's responsible units can report on it."))
    assignment.measure = measure
    return assignment


@transaction.atomic
def report_save(
    *,
    measure: Measure,
    period: dt.date,
    status: str,
    narrative: str,
    acting_user: User,
    indicator_values: dict[str, float] | None = None,
    evidence: list[StoredFile] | None = None,
    submit: bool = False,
    expected_version: int | None = None,
) -> ProgressReport:
    """Save the department's report for a month as a draft, or submit it to the lead office."""
    assignment = _assignment_for(acting_user, measure)
    period = month_start(period)
    plan = measure.plan
    if not plan.period_start <= period <= plan.period_end:
        raise DomainError(
            _("A report is written for a month of the plan's year %(year)d.") % {"year": plan.year}
        )
    if period > month_start(clock.today()):
        raise DomainError(_("A report cannot be written for a month that has not begun."))
    if status not in MeasureStatus.values:
        raise DomainError(_("Unknown status “%(value)s”.") % {"value": status})
    if not narrative.strip():
        raise DomainError(_("Describe the progress made."))
    report = (
        ProgressReport.objects.select_for_update()
        .filter(assignment=assignment, period=period)
        .order_by("pk")  # one a month (a constraint)
        .first()
    )
    content = {
        "status": status,
        "narrative": narrative.strip(),
        "indicator_values": indicator_values or {},
    }
    if report is None:
        report = _report_create(assignment, period, content, submit, acting_user)
        before: dict[str, Any] = {}
    else:
        report.assignment = assignment
        before = snapshot(report, SAVED_FIELDS)
        _report_update(report, content, submit, expected_version, acting_user)
    if evidence:
        report.evidence.add(*evidence)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        target=report,
        before=before,
        after=snapshot(report, SAVED_FIELDS),
    )
    return report


def _report_create(
    assignment: Assignment,
    period: dt.date,
    content: dict[str, Any],
    submit: bool,
    acting_user: User,
) -> ProgressReport:
    """A new report: a draft (no step), or submitted at once (the workflow's first step)."""
    now = clock.now()
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        created_by=acting_user,
        created_at=now,
        state=ReportState.SUBMITTED if submit else ReportState.DRAFT,
        submitted_at=now if submit else None,
        **content,
    )
    if submit:
        REPORT_WORKFLOW.started(report, "submit", acting_user=acting_user)
    return report


def _report_update(
    report: ProgressReport,
    content: dict[str, Any],
    submit: bool,
    expected_version: int | None,
    acting_user: User,
) -> None:
    """Change a draft or a returned report, and submit it if asked; refused once submitted."""
    submitting = REPORT_WORKFLOW.transition("submit")
    if report.state not in submitting.sources:
        raise DomainError(str(submitting.not_now))
    seen = report.lock_version if expected_version is None else expected_version
    if submit:
        REPORT_WORKFLOW.apply(
            report,
            "submit",
            lock_version=seen,
            acting_user=acting_user,
            changes={**content, "submitted_at": clock.now()},
        )
        return
    update_unless_changed(ProgressReport, report.pk, seen, str(REPORT_WORKFLOW.conflict), **content)
    report.refresh_from_db()


def _current(report: ProgressReport) -> ProgressReport:
    """The report as stored now: the workflow compares it with the version the caller saw."""
    return ProgressReport.objects.select_related(
        "assignment__measure", "assignment__department"
    ).get(pk=report.pk)


@transaction.atomic
def report_review(
    *,
    report: ProgressReport,
    rating: str,
    comment: str,
    acting_user: User,
    expected_version: int,
    public_summary: str = "",
) -> ProgressReport:
    """The lead office rates a submitted report and may publish a summary of it."""
    ensure_capability(acting_user, SUPERVISE)
    report = _current(report)
    changes: dict[str, Any] = {
        "rating": rating,
        "review_comment": comment.strip(),
        "reviewed_at": clock.now(),
    }
    if public_summary.strip():
        changes.update(public_summary=public_summary.strip(), is_public=True)
    if rating not in Rating.values:
        # Checked after the state (through the workflow's refusal), as the pages expect.
        REPORT_WORKFLOW.check(report, "review", acting_user)
        raise DomainError(_("Choose a rating."))
    REPORT_WORKFLOW.apply(
        report,
        "review",
        lock_version=expected_version,
        acting_user=acting_user,
        changes=changes,
    )
    return report


@transaction.atomic
def report_return(
    *, report: ProgressReport, comment: str, acting_user: User, expected_version: int
) -> ProgressReport:
    """Send a submitted report back to its department for rework, with the reasons."""
    ensure_capability(acting_user, SUPERVISE)
    report = _current(report)
    if not comment.strip():
        raise DomainError(_("Say what needs to be reworked."))
    REPORT_WORKFLOW.apply(
        report,
        "return",
        lock_version=expected_version,
        acting_user=acting_user,
        text=comment,
        changes={"review_comment": comment.strip()},
    )
    return report


@transaction.atomic
def report_publication_set(
    *,
    report: ProgressReport,
    public_summary: str,
    is_public: bool,
    acting_user: User,
    expected_version: int,
) -> ProgressReport:
    """The lead office decides what of a reviewed report the public sees."""
    ensure_capability(acting_user, SUPERVISE)
    report = _current(report)
    if is_public and not public_summary.strip():
        REPORT_WORKFLOW.check(report, "publish", acting_user)
        raise DomainError(_("Write the summary the public will see."))
    REPORT_WORKFLOW.apply(
        report,
        "publish" if is_public else "unpublish",
        lock_version=expected_version,
        acting_user=acting_user,
        changes={"public_summary": public_summary.strip(), "is_public": is_public},
    )
    return report
