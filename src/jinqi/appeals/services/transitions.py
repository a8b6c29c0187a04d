"""The one way to change an appeal's state: a declared action of `appeals.workflow.WORKFLOW`,
with the conversation's own limits on the text and the files the step carries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.appeals.models import Appeal, Entry
from jinqi.appeals.services.inputs import attach, checked_files, checked_text
from jinqi.appeals.workflow import FIRST_RESPONSE, WORKFLOW, Action
from jinqi.core import clock


def appeal_transition(
    *,
    appeal: Appeal,
    action: Action,
    lock_version: int,
    acting_user: User,
    text: str = "",
    files: Sequence[UploadedFile] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Appeal:
    """Move an appeal by one declared action, with optimistic locking, an entry in the
    conversation (the log) with the files attached, an audit row and a notice to the other side
    (the workflow's effects). Callers are atomic."""
    # State and actor are judged before the text, so a refusal names the first thing wrong.
    transition = WORKFLOW.transition(action)
    refusal = WORKFLOW.refusal(appeal, transition, acting_user)
    if refusal is not None:
        raise refusal
    text = checked_text(text, what=_("reason or answer"), required=transition.needs_text)
    chosen = checked_files(files)
    values = {**(changes or {}), "updated_at": clock.now()}
    if action in FIRST_RESPONSE and appeal.responded_on is None:
        values.setdefault("responded_on", clock.today())
    step = WORKFLOW.apply(
        appeal,
        action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes=values,
    )
    assert isinstance(step.log, Entry)
    attach(appeal, step.log, chosen, acting_user)
    return appeal
