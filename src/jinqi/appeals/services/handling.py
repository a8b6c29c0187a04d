"""The department's handling of an appeal: the first response, asking the enterprise for more and
its answer, handing the appeal to another department (the department itself or the lead office),
the resolution and merging a duplicate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.models import Appeal, Category
from jinqi.appeals.permissions import is_handler
from jinqi.appeals.services.inputs import checked_text, deadlines
from jinqi.appeals.services.transitions import appeal_transition
from jinqi.appeals.workflow import Action
from jinqi.core import clock
from jinqi.core.calendar import add_working_days, working_days_between
from jinqi.core.errors import DomainError, PermissionDenied


@transaction.atomic
def appeal_respond(
    *, appeal: Appeal, lock_version: int, text: str, acting_user: User, is_complex: bool = False
) -> Appeal:
    """The first response (联系、答复): the department has taken the matter up. A complex case
    gets the regime's longer resolution limit, if it has one."""
    changes: dict[str, Any] = {}
    if is_complex and appeal.regime.complex_days:
        changes = {
            "is_complex": True,
            "resolution_due": add_working_days(appeal.assigned_on, appeal.regime.complex_days),
        }
    return appeal_transition(
        appeal=appeal,
        action=Action.RESPOND,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes=changes,
    )


@transaction.atomic
def appeal_ask_info(*, appeal: Appeal, lock_version: int, text: str, acting_user: User) -> Appeal:
    """Ask the enterprise for more: the resolution clock stops until it answers."""
    return appeal_transition(
        appeal=appeal,
        action=Action.ASK_INFO,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes={"info_requested_on": clock.today()},
    )


@transaction.atomic
def appeal_supply_info(
    *,
    appeal: Appeal,
    lock_version: int,
    text: str,
    acting_user: User,
    files: Sequence[UploadedFile] | None = None,
) -> Appeal:
    """The enterprise answers; back to the department, whose resolution deadline moves by the
    working days the enterprise took (time waiting for the enterprise does not count)."""
    asked = appeal.info_requested_on or clock.today()
    waited = max(0, working_days_between(asked, clock.today()))
    return appeal_transition(
        appeal=appeal,
        action=Action.SUPPLY_INFO,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        files=files,
        changes={
            "info_requested_on": None,
            "resolution_due": add_working_days(appeal.resolution_due, waited),
        },
    )


def _handover(appeal: Appeal, department: Department, category: Category | None) -> dict[str, Any]:
    """A new department takes the appeal: both limits start again from today, under the regime
    of the appeal's category (the new one, if the category was corrected)."""
    if department.kind == "group":
        raise DomainError(_("Choose one department, not a group of units."))
    if department.pk == appeal.department_id:
        raise DomainError(_("The appeal is already with %(dept)s.") % {"dept": department.name})
    category = category or appeal.category
    return {
        "department": department,
        "category": category,
        "regime": category.regime,
        "is_complex": False,
        "responded_on": None,
        "escalated_at": None,
        "escalated_for": "",
        "transfer_count": F("transfer_count") + 1,
        **deadlines(category.regime, clock.today(), is_complex=False),
    }


@transaction.atomic
def appeal_transfer(
    *,
    appeal: Appeal,
    lock_version: int,
    department: Department,
    reason: str,
    acting_user: User,
    category: Category | None = None,
) -> Appeal:
    """Not ours: to another department, with the reason (the enterprise is told). The lead
    office does the same with `action=Action.REASSIGN` (see `appeal_reassign`)."""
    return _hand_over(
        Action.TRANSFER, appeal, lock_version, department, reason, acting_user, category
    )


@transaction.atomic
def appeal_reassign(
    *,
    appeal: Appeal,
    lock_version: int,
    department: Department,
    reason: str,
    acting_user: User,
    category: Category | None = None,
) -> Appeal:
    """The lead office gives an appeal (typically an escalated one) to another department."""
    return _hand_over(
        Action.REASSIGN, appeal, lock_version, department, reason, acting_user, category
    )


def _hand_over(
    action: Action,
    appeal: Appeal,
    lock_version: int,
    department: Department,
    reason: str,
    acting_user: User,
    category: Category | None,
) -> Appeal:
    return appeal_transition(
        appeal=appeal,
        action=action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=reason,
        changes=_handover(appeal, department, category),
    )


@transaction.atomic
def appeal_resolve(
    *,
    appeal: Appeal,
    lock_version: int,
    answer: str,
    acting_user: User,
    files: Sequence[UploadedFile] | None = None,
) -> Appeal:
    """The department's answer: the enterprise is asked to confirm and rate it, or reopen."""
    answer = checked_text(answer, what=_("answer"))
    return appeal_transition(
        appeal=appeal,
        action=Action.RESOLVE,
        lock_version=lock_version,
        acting_user=acting_user,
        text=answer,
        files=files,
        changes={"answer": answer, "resolved_at": clock.now()},
    )


@transaction.atomic
def appeal_merge(
    *, duplicate: Appeal, original: Appeal, lock_version: int, acting_user: User
) -> Appeal:
    """Close `duplicate` as merged into `original` (the same enterprise's earlier appeal on the
    same matter). Its entries stay with it and show on the original; its enterprise is told."""
    if original.pk == duplicate.pk:
        raise DomainError(_("An appeal cannot be merged into itself."))
    if original.enterprise_id != duplicate.enterprise_id:
        raise DomainError(_("Only an appeal of the same enterprise can be merged."))
    if original.state == S.MERGED:
        raise DomainError(_("The original was itself merged; merge into the appeal it joined."))
    if not is_handler(acting_user, original):
        raise PermissionDenied(_("Only the department handling both appeals can merge them."))
    return appeal_transition(
        appeal=duplicate,
        action=Action.MERGE,
        lock_version=lock_version,
        acting_user=acting_user,
        text=_("Merged into %(ref)s, which answers the same matter.") % {"ref": original.reference},
        changes={"merged_into": original, "closed_at": clock.now()},
    )
