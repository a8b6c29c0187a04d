"""Writes of the department's review: return for correction (补正), accept (受理), pass each
review step until approval, or reject with the reason."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application
from jinqi.applications.selectors import default_amount
from jinqi.applications.services.moves import application_move
from jinqi.applications.workflow import WORKFLOW
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError
from jinqi.core.gates import APPROVAL, Decision, gates_enforce

# A rejection is a different action of the workflow in each state it can happen in.
REJECTING: dict[str, str] = {
    S.SUBMITTED: "refuse",
    S.IN_REVIEW: "reject",
    S.PUBLICITY: "uphold_objection",
}


@transaction.atomic
def application_return(
    *, application: Application, lock_version: int, comment: str, acting_user: User
) -> Application:
    """补正: back to the enterprise with what to correct, due in the form's working days."""
    return application_move(
        application=application,
        action="return",
        lock_version=lock_version,
        acting_user=acting_user,
        text=comment,
        changes={"deadline": add_working_days(clock.today(), application.form.correction_days)},
    )


@transaction.atomic
def application_accept(
    *, application: Application, lock_version: int, acting_user: User, comment: str = ""
) -> Application:
    """受理: the first review step begins."""
    first = application.form.definition.steps[0]
    return application_move(
        application=application,
        action="accept",
        lock_version=lock_version,
        acting_user=acting_user,
        text=comment,
        changes={"step": 0, "deadline": add_working_days(clock.today(), first.days)},
    )


def application_review_pass(
    *,
    application: Application,
    lock_version: int,
    acting_user: User,
    comment: str = "",
    approved_amount: Decimal | None = None,
) -> Application:
    """The current review step agrees: the next step begins, or after the last the application
    is approved (with the amount, if the policy pays one) unless a decision gate (a credit
    gate) stops it. The gate is asked outside the approval's transaction, once the reviewer is
    known to be allowed to approve, so that its log stays when the approval is refused."""
    if application.step + 1 >= len(application.form.definition.steps):
        WORKFLOW.check(application, "approve", acting_user)
        gates_enforce(
            Decision(
                action=APPROVAL,
                enterprise_id=application.enterprise_id,
                subject=f"applications.application:{application.pk}",
                subject_label=f"{application.policy.title} — {application.enterprise.name}",
                department_id=acting_user.department_id,
            )
        )
    with transaction.atomic():
        return _review_pass(application, lock_version, acting_user, comment, approved_amount)


def _review_pass(
    application: Application,
    lock_version: int,
    acting_user: User,
    comment: str,
    approved_amount: Decimal | None,
) -> Application:
    steps = application.form.definition.steps
    if application.step + 1 < len(steps):
        following = steps[application.step + 1]
        return application_move(
            application=application,
            action="pass_step",
            lock_version=lock_version,
            acting_user=acting_user,
            text=comment,
            changes={
                "step": application.step + 1,
                "deadline": add_working_days(clock.today(), following.days),
            },
        )
    amount = approved_amount if approved_amount is not None else default_amount(application)
    if amount is not None and amount < 0:
        raise DomainError(_("The approved amount cannot be negative."))
    return application_move(
        application=application,
        action="approve",
        lock_version=lock_version,
        acting_user=acting_user,
        text=comment,
        changes={"approved_amount": amount, "deadline": None},
    )


@transaction.atomic
def application_reject(
    *, application: Application, lock_version: int, reason: str, acting_user: User
) -> Application:
    """Rejected, with the reason: before acceptance (不予受理), in review, or an objection
    upheld during publicity."""
    return application_move(
        application=application,
        action=REJECTING.get(application.state, "reject"),
        lock_version=lock_version,
        acting_user=acting_user,
        text=reason,
        changes={"deadline": None},
    )
