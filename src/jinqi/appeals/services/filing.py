"""Filing an appeal: the enterprise's request or question goes to the department the routing table
names, once, even when sent many times at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.appeals.enums import AppealKind, Contact
from jinqi.appeals.models import Appeal, Category, Entry
from jinqi.appeals.selectors import possible_duplicates
from jinqi.appeals.services.inputs import (
    MAX_TITLE,
    attach,
    checked_contact,
    checked_files,
    checked_text,
    deadlines,
)
from jinqi.appeals.workflow import WORKFLOW, Action
from jinqi.core import clock
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of


def _enterprise_of(user: Any) -> Enterprise:
    enterprise = enterprise_of(user)
    if enterprise is None:
        raise PermissionDenied(_("Only an enterprise with a registry record can file an appeal."))
    return enterprise


class DuplicateAppealError(ConflictError):
    """The enterprise filed something very like this recently; `duplicates` are those appeals
    with their similarity, most alike first. Filing again with `file_anyway` goes through."""

    code = "duplicate"

    def __init__(self, duplicates: list[tuple[Appeal, float]]) -> None:
        super().__init__(
            _(
                "You filed something very similar recently. If it is the same matter, add to "
                "that appeal instead; if it is a different matter, file it anyway."
            ),
            details=[appeal.reference for appeal, _score in duplicates],
        )
        self.duplicates = duplicates


@dataclass(frozen=True)
class AppealData:
    kind: str
    category: Category
    title: str
    text: str
    contact_channel: str = Contact.INBOX
    contact_value: str = ""


@transaction.atomic
def appeal_file(
    *,
    data: AppealData,
    acting_user: User,
    files: Sequence[UploadedFile] | None = None,
    file_anyway: bool = False,
) -> Appeal:
    """File a request or a question; it goes to the department the routing table names for its
    category, with the category's time limits counted in working days from today.

    Unless `file_anyway`, an appeal very like one the enterprise filed recently is refused with
    DuplicateAppealError. The look for it runs under the enterprise's filing lock, so of the same
    appeal sent many times at once exactly one is filed (docs/adr/0010-create-once.md)."""
    enterprise = _enterprise_of(acting_user)
    if data.kind not in AppealKind.values:
        raise DomainError(_("Choose whether this is a request or a question."))
    if not data.category.is_active:
        raise DomainError(_("Choose a category."))
    title = checked_text(data.title, what=_("title"), limit=MAX_TITLE)
    text = checked_text(data.text, what=_("description"))
    contact_value = checked_contact(data.contact_channel, data.contact_value)
    chosen = checked_files(files)
    lock_until_commit("appeals.file", enterprise.pk)
    if not file_anyway:
        duplicates = possible_duplicates(
            enterprise=enterprise, category=data.category, title=title, text=text
        )
        if duplicates:
            raise DuplicateAppealError(duplicates)
    now = clock.now()
    category = data.category
    appeal = Appeal.objects.create(
        reference=uuid.uuid4().hex[:20],
        kind=data.kind,
        category=category,
        department=category.department,
        regime=category.regime,
        enterprise=enterprise,
        filed_by=acting_user,
        title=title,
        text=text,
        contact_channel=data.contact_channel,
        contact_value=contact_value,
        filed_at=now,
        updated_at=now,
        **deadlines(category.regime, clock.today(), is_complex=False),
    )
    appeal.reference = f"AP{now:%Y}-{appeal.pk:06d}"
    appeal.save(update_fields=["reference"])
    # The entry of the conversation, the audit row and the department's notice (the workflow's).
    step = WORKFLOW.started(appeal, Action.FILE, acting_user=acting_user, text=text)
    assert isinstance(step.log, Entry)
    attach(appeal, step.log, chosen, acting_user)
    return appeal
