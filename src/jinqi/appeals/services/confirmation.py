"""The enterprise's side once answered: confirming and rating the answer, reopening it, and the
answer to the follow-up four weeks after closing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.enums import Side
from jinqi.appeals.models import Appeal, Entry
from jinqi.appeals.permissions import is_filer
from jinqi.appeals.services.inputs import checked_text
from jinqi.appeals.services.transitions import appeal_transition
from jinqi.appeals.workflow import Action
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied


@transaction.atomic
def appeal_confirm(
    *,
    appeal: Appeal,
    lock_version: int,
    rating: int,
    acting_user: User,
    comment: str = "",
    solved: bool = True,
) -> Appeal:
    """The enterprise accepts the answer and rates it 1–5 (满意度), saying whether the matter is
    solved (解决); the appeal closes."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rate the answer from 1 (very dissatisfied) to 5 (very satisfied)."))
    comment = checked_text(comment, what=_("comment"), required=False)
    return appeal_transition(
        appeal=appeal,
        action=Action.CONFIRM,
        lock_version=lock_version,
        acting_user=acting_user,
        text=comment,
        changes={
            "rating": rating,
            "rating_comment": comment,
            "solved": bool(solved),
            "closed_at": clock.now(),
        },
    )


@transaction.atomic
def appeal_reopen(*, appeal: Appeal, lock_version: int, reason: str, acting_user: User) -> Appeal:
    """The answer does not settle it: back to the department with the reason and a new
    resolution limit (the regime's, from today)."""
    return appeal_transition(
        appeal=appeal,
        action=Action.REOPEN,
        lock_version=lock_version,
        acting_user=acting_user,
        text=reason,
        changes=_reopened(appeal),
    )


def _reopened(appeal: Appeal) -> dict[str, Any]:
    regime = appeal.regime
    days = (
        regime.complex_days if appeal.is_complex and regime.complex_days else regime.resolution_days
    )
    return {
        "reopen_count": F("reopen_count") + 1,
        "resolution_due": add_working_days(clock.today(), days),
        "escalated_at": None,
        "escalated_for": "",
        "resolved_at": None,
        "closed_at": None,
        "rating": None,
        "rating_comment": "",
        "solved": None,
    }


@transaction.atomic
def appeal_follow_up_answer(*, appeal: Appeal, solved: bool, acting_user: User) -> Appeal:
    """The answer to "four weeks on, is the matter really solved?". Yes is recorded; no reopens
    the appeal with its department (it counts as a reopening) and the answer is recorded."""
    if not is_filer(acting_user, appeal):
        raise PermissionDenied(_("Only the enterprise that filed the appeal can answer."))
    if appeal.state != S.CLOSED or appeal.follow_up_answered_at is not None:
        raise DomainError(_("There is nothing to answer about this appeal now."))
    now = clock.now()
    Appeal.objects.filter(pk=appeal.pk).update(follow_up_answered_at=now, follow_up_solved=solved)
    appeal.refresh_from_db()
    if solved:
        Entry.objects.create(
            appeal=appeal,
            action="follow_up_solved",
            side=Side.ENTERPRISE,
            department=appeal.department,
            actor=acting_user,
            text=_("Four weeks on, the enterprise confirms the matter is solved."),
            at=now,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            target=appeal,
            after={"follow_up_solved": True},
        )
        return appeal
    return appeal_transition(
        appeal=appeal,
        action=Action.FOLLOW_UP_UNSOLVED,
        lock_version=appeal.lock_version,
        acting_user=acting_user,
        text=_("Four weeks on, the enterprise says the matter is not solved; reopened."),
        changes=_reopened(appeal),
    )
