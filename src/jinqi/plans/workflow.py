"""The progress report's workflow, declared once (docs/adr/0012-workflow-mechanism.md).

A responsible department submits its monthly report (a draft, or one returned for rework); the
lead office reviews it (a rating, perhaps a public summary) or returns it with the reasons, and
later decides what of a reviewed report the public sees. Saving a draft is an edit, not a step.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.selectors import department_staff
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core.errors import PermissionDenied
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.notifications.services import notification_send
from jinqi.plans.enums import AlertKind, Rating, ReportEventKind, ReportState
from jinqi.plans.models import ProgressReport, ReportEvent
from jinqi.plans.permissions import can_report, can_supervise

S = ReportState
DEPARTMENT = "department"  # a responsible unit of the report's measure
LEAD_OFFICE = "lead_office"


def authorize(report: ProgressReport, actor: str, user: Any) -> None:
    """The department reports on its own assignment; the lead office supervises all."""
    if actor == DEPARTMENT:
        if not can_report(user) or user.department_id != report.assignment.department_id:
            raise PermissionDenied(_("Only the measure's responsible units can report on it."))
    elif not can_supervise(user):
        raise PermissionDenied(_("You are not allowed to do this."))


_EVENT = {
    "submit": ReportEventKind.SUBMITTED,
    "return": ReportEventKind.RETURNED,
    "review": ReportEventKind.REVIEWED,
    "publish": ReportEventKind.PUBLISHED,
    "unpublish": ReportEventKind.UNPUBLISHED,
}


def report_log(step: Step[ProgressReport]) -> ReportEvent:
    """The report's own history (ReportEvent); a review with a public summary also publishes."""
    report, action = step.record, step.transition.action
    event = ReportEvent.objects.create(
        report=report,
        kind=_EVENT[action],
        actor=step.actor,
        at=step.at,
        comment=report.review_comment if action in ("review", "return") else "",
        rating=report.rating if action == "review" else "",
    )
    if action == "review" and report.is_public:
        ReportEvent.objects.create(
            report=report, kind=ReportEventKind.PUBLISHED, actor=step.actor, at=step.at
        )
    return event


# Which audit row each step writes (the save that submits is audited by report_save).
_AUDITED = {
    "review": (AuditAction.TRANSITION, ("state", "rating", "is_public")),
    "return": (AuditAction.TRANSITION, ("state",)),
    "publish": (AuditAction.UPDATE, ("is_public", "public_summary")),
    "unpublish": (AuditAction.UPDATE, ("is_public", "public_summary")),
}


def _audit(step: Step[ProgressReport]) -> None:
    if step.transition.action not in _AUDITED:
        return
    action, names = _AUDITED[step.transition.action]
    before = {"state": step.source, **step.before}
    audit_record(
        actor=step.actor,
        action=action,
        target=step.record,
        before={name: before.get(name, getattr(step.record, name)) for name in names},
        after=snapshot(step.record, names),
    )


def _notify(step: Step[ProgressReport]) -> None:
    report, action = step.record, step.transition.action
    seq, month = report.assignment.measure.seq, f"{report.period:%Y-%m}"
    if action == "review":
        kind = AlertKind.REPORT_REVIEWED
        title = _("Your report on measure %(seq)s for %(month)s was rated %(rating)s") % {
            "seq": seq,
            "month": month,
            "rating": Rating(report.rating).label,
        }
    elif action == "return":
        kind = AlertKind.REPORT_RETURNED
        title = _("Your report on measure %(seq)s for %(month)s was returned for rework") % {
            "seq": seq,
            "month": month,
        }
    else:
        return
    notification_send(
        recipients=department_staff(report.assignment.department),
        kind=kind,
        title=title,
        body=report.review_comment,
        link=reverse("plans:report_detail", args=[report.pk]),
    )


REPORT_WORKFLOW: Workflow[ProgressReport] = Workflow(
    model=ProgressReport,
    transitions=[
        Transition(
            "submit",
            frozenset({"", S.DRAFT, S.RETURNED}),
            S.SUBMITTED,
            DEPARTMENT,
            gettext_lazy("Submit to the lead office"),
            not_now=gettext_lazy(
                "This report was already submitted; it can be changed only if it is returned."
            ),
        ),
        Transition(
            "review",
            frozenset({S.SUBMITTED}),
            S.REVIEWED,
            LEAD_OFFICE,
            gettext_lazy("Save rating"),
            not_now=gettext_lazy("Only a submitted report can be reviewed."),
        ),
        Transition(
            "return",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            LEAD_OFFICE,
            gettext_lazy("Return"),
            needs_text=True,
            not_now=gettext_lazy("Only a submitted report can be returned."),
        ),
        Transition(
            "publish",
            frozenset({S.REVIEWED}),
            S.REVIEWED,
            LEAD_OFFICE,
            gettext_lazy("Summary published"),
            not_now=gettext_lazy("Only a reviewed report can be published."),
        ),
        Transition(
            "unpublish",
            frozenset({S.REVIEWED}),
            S.REVIEWED,
            LEAD_OFFICE,
            gettext_lazy("Summary withdrawn"),
            not_now=gettext_lazy("Only a reviewed report can be published."),
        ),
    ],
    authorize=authorize,
    state_labels=dict(ReportState.choices),
    conflict=gettext_lazy("Someone else changed this report meanwhile; reload it and try again."),
    log=report_log,
    effects=(_audit, _notify),
)
