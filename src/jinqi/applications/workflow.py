"""The application workflow (一表申报), declared once on the core mechanism
(docs/adr/0012-workflow-mechanism.md): who may take which action from which state.
`services.moves.application_move` is the only caller of `WORKFLOW.apply`.

    draft → submitted → in review (受理; one or more review steps) → approved → publicity (公示)
          ↑     ↓                                     ↓                           ↓
          returned for correction (补正)            rejected               disbursed (兑付)

The enterprise may withdraw before acceptance; a department may refuse to accept (rejected,
with the reason); an objection upheld during publicity rejects the application.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.selectors import enterprise_users
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.enums import Reviewer
from jinqi.applications.models import Application, ApplicationTransition
from jinqi.applications.permissions import SUPERVISE, is_applicant, is_policy_department
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.core.workflow import Step, Transition, Workflow
from jinqi.notifications.services import notification_send, sms_send


class Actor(StrEnum):
    APPLICANT = "applicant"  # a user of the applying enterprise
    DEPARTMENT = "department"  # staff of the policy's department
    REVIEWER = "reviewer"  # whoever the current review step names


FINAL = frozenset({S.REJECTED, S.DISBURSED, S.WITHDRAWN})
# States a department works on (its queue); drafts are the enterprise's own business.
DEPARTMENT_VISIBLE = frozenset(set(S.values) - {S.DRAFT})


def authorize(application: Application, actor: str, user: Any) -> None:
    """Raise PermissionDenied unless `user` acts as `actor` on `application`. A review step the
    lead office takes is its; any other is the policy's department's."""
    if actor == Actor.APPLICANT:
        if not is_applicant(user, application):
            raise PermissionDenied(_("Only the applying enterprise can do this."))
        return
    if actor == Actor.REVIEWER:
        step = application.form.definition.steps[application.step]
        if step.reviewer == Reviewer.LEAD_OFFICE:
            if not has_capability(user, SUPERVISE):
                raise PermissionDenied(_("This review step is the lead office's."))
            return
    if not is_policy_department(user, application.policy):
        raise PermissionDenied(_("Only the policy's department can do this."))


# -- guards -----------------------------------------------------------------------------------


def _is_last_step(application: Application) -> bool:
    return application.step + 1 >= len(application.form.definition.steps)


def _steps_follow(application: Application) -> str | None:
    if _is_last_step(application):
        return _("This is the last review step: approve the application.")
    return None


def _last_step(application: Application) -> str | None:
    if not _is_last_step(application):
        return _("Review steps remain: pass this step to the next one.")
    return None


def _notice_over(application: Application) -> str | None:
    """Payment waits for the end of the public notice."""
    batch = application.batch
    if batch is not None and clock.today() <= batch.ends_on:
        return _("The public notice runs until %(day)s; pay after it ends.") % {
            "day": batch.ends_on.isoformat()
        }
    return None


# -- the log and the effects ------------------------------------------------------------------


def _log(step: Step[Application]) -> ApplicationTransition:
    """The application's own log: one row per step, with the review step it begins."""
    application = step.record
    return ApplicationTransition.objects.create(
        application=application,
        from_state=step.source,
        to_state=step.transition.target,
        step=application.step if step.transition.target == S.IN_REVIEW else None,
        actor=step.actor,
        comment=step.text[:5000],
        at=step.at,
    )


# Changes too large (or too trivial) for the audit row.
_NOT_AUDITED = frozenset({"answers", "prefilled", "updated_at"})


def _audit(step: Step[Application]) -> None:
    application = step.record
    audit_record(
        actor=step.actor,
        action=AuditAction.TRANSITION,
        target=application,
        before={"state": step.source, "step": step.before.get("step", application.step)},
        after=snapshot(application, ["state", *(k for k in step.changes if k not in _NOT_AUDITED)]),
        note=step.text[:300],
    )


def _notify(step: Step[Application]) -> None:
    """进度推送: inbox and e-mail to the enterprise's users, SMS to its contact phone."""
    application = step.record
    title = _("%(ref)s %(policy)s: %(state)s") % {
        "ref": application.reference,
        "policy": application.policy.title,
        "state": S(application.state).label,
    }
    body = step.text
    if application.deadline and application.state == S.RETURNED:
        body = _("%(comment)s Please correct it by %(day)s.") % {
            "comment": step.text,
            "day": application.deadline.isoformat(),
        }
    notification_send(
        recipients=enterprise_users([application.enterprise.uscc]),
        kind="applications.progress",
        title=title,
        body=body,
        link=reverse("applications:detail", args=[application.reference]),
        dedup_key=f"application:{step.log.pk if step.log else ''}",
    )
    phone = application.enterprise.contact_phone
    if phone:
        sms_send(phone=phone, text=f"【金企】{title}")


# -- the declaration --------------------------------------------------------------------------

WORKFLOW: Workflow[Application] = Workflow(
    model=Application,
    transitions=(
        Transition(
            "submit",
            frozenset({S.DRAFT, S.RETURNED}),
            S.SUBMITTED,
            Actor.APPLICANT,
            gettext_lazy("Submit the application"),
        ),
        Transition(
            "withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}),
            S.WITHDRAWN,
            Actor.APPLICANT,
            gettext_lazy("Withdraw"),
        ),
        Transition(
            "return",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            Actor.DEPARTMENT,
            gettext_lazy("Return for correction"),
            needs_text=True,
        ),
        Transition(
            "accept",
            frozenset({S.SUBMITTED}),
            S.IN_REVIEW,
            Actor.DEPARTMENT,
            gettext_lazy("Accept"),
        ),  # 受理
        Transition(
            "refuse",
            frozenset({S.SUBMITTED}),
            S.REJECTED,
            Actor.DEPARTMENT,
            gettext_lazy("Refuse to accept (不予受理)"),
            needs_text=True,
        ),
        Transition(
            "pass_step",
            frozenset({S.IN_REVIEW}),
            S.IN_REVIEW,
            Actor.REVIEWER,
            gettext_lazy("Pass to the next step"),
            guard=_steps_follow,
        ),
        Transition(
            "approve",
            frozenset({S.IN_REVIEW}),
            S.APPROVED,
            Actor.REVIEWER,
            gettext_lazy("Approve"),
            guard=_last_step,
        ),
        Transition(
            "reject",
            frozenset({S.IN_REVIEW}),
            S.REJECTED,
            Actor.REVIEWER,
            gettext_lazy("Reject"),
            needs_text=True,
        ),
        Transition(
            "publicize",
            frozenset({S.APPROVED}),
            S.PUBLICITY,
            Actor.DEPARTMENT,
            gettext_lazy("Public notice"),
        ),
        Transition(
            "disburse",
            frozenset({S.PUBLICITY}),
            S.DISBURSED,
            Actor.DEPARTMENT,
            gettext_lazy("Record as paid"),
            guard=_notice_over,
        ),
        Transition(
            "uphold_objection",
            frozenset({S.PUBLICITY}),
            S.REJECTED,
            Actor.DEPARTMENT,
            gettext_lazy("Reject (objection upheld)"),
            needs_text=True,
        ),
    ),
    authorize=authorize,
    state_labels=dict(S.choices),
    conflict=gettext_lazy(
        "Someone else acted on this application first; reload it to see what changed."
    ),
    final=FINAL,
    log=_log,
    effects=(_audit, _notify),
)
