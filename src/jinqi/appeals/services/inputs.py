"""What every appeal service checks of its input (texts, contact, files) and the pieces they
share: storing attachments, the time limits of a regime."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.appeals.enums import Contact
from jinqi.appeals.models import Appeal, Attachment, DeadlineRegime, Entry
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError
from jinqi.core.uploads import upload_store

ATTACHMENT_PURPOSE = "appeals.attachment"
MAX_TEXT = 5000  # characters of an appeal, an answer, a reason or a comment
MAX_TITLE = 100
MAX_FILES = 5  # attachments per entry
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


def checked_text(value: str, *, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    """The text stripped, or a refusal naming `what` and the limit (nothing is stored)."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Write the %(what)s.") % {"what": what})
    if len(value) > limit:
        raise DomainError(
            _(
                "The %(what)s is %(length)s characters long; at most %(limit)s are allowed. "
                "Shorten it, or put the details in an attachment."
            )
            % {"what": what, "length": len(value), "limit": limit}
        )
    return value


def checked_contact(channel: str, value: str) -> str:
    value = (value or "").strip()
    if channel not in Contact.values:
        raise DomainError(_("Choose how you want to be contacted."))
    if channel == Contact.INBOX:
        return ""
    if channel == Contact.PHONE and not PHONE.match(value):
        raise DomainError(_("Give a phone number to be called on (digits only)."))
    if channel == Contact.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError(_("Give a valid e-mail address.")) from None
    return value[:100]


def checked_files(files: Sequence[UploadedFile] | None) -> list[UploadedFile]:
    chosen = [f for f in files or () if f]
    if len(chosen) > MAX_FILES:
        raise DomainError(_("Attach at most %(n)s files at a time.") % {"n": MAX_FILES})
    return chosen


def attach(
    appeal: Appeal, entry: Entry, files: Iterable[UploadedFile], acting_user: User
) -> list[Attachment]:
    """Store `files` as attachments of `entry` of the conversation."""
    attached = []
    for file in files:
        stored = upload_store(file=file, purpose_key=ATTACHMENT_PURPOSE, acting_user=acting_user)
        attached.append(Attachment.objects.create(appeal=appeal, entry=entry, file=stored))
    return attached


def deadlines(regime: DeadlineRegime, start: dt.date, *, is_complex: bool) -> dict[str, Any]:
    """The time limits of a department taking an appeal up on `start`."""
    days = regime.complex_days if is_complex and regime.complex_days else regime.resolution_days
    return {
        "assigned_on": start,
        "response_due": add_working_days(start, regime.response_days),
        "resolution_due": add_working_days(start, days),
    }
