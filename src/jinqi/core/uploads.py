"""The shared upload component: type checked by content, size limited, stored through Django's
storage API, downloadable only by those the owning app's rule entitles."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import puremagic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.models import StoredFile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Content types recognised by their bytes; the name's extension is never trusted.
KNOWN_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
EVIDENCE_TYPES = tuple(KNOWN_TYPES)

DownloadRule = Callable[[Any, StoredFile], bool]


@dataclass(frozen=True)
class UploadPurpose:
    key: str
    allowed_types: tuple[str, ...]
    can_download: DownloadRule
    max_bytes: int | None = None


_purposes: dict[str, UploadPurpose] = {}


def register_purpose(purpose: UploadPurpose) -> None:
    """Apps declare each kind of upload they accept and who may download it (in `ready()`)."""
    _purposes[purpose.key] = purpose


def purpose(key: str) -> UploadPurpose:
    return _purposes[key]


def sniff_content_type(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None if it is not one we accept."""
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    extensions = {m.extension.lower() for m in matches}
    if ".xlsx" in extensions or ".docx" in extensions:
        # Both are ZIP files; puremagic tells them apart by their [Content_Types] entries.
        return KNOWN_TYPES_BY_EXT[".xlsx" if ".xlsx" in extensions else ".docx"]
    for match in matches:
        mime = match.mime_type or KNOWN_TYPES_BY_EXT.get(match.extension.lower(), "")
        if mime in KNOWN_TYPES:
            return mime
    return None


KNOWN_TYPES_BY_EXT = {ext: mime for mime, exts in KNOWN_TYPES.items() for ext in exts}


def upload_store(*, file: UploadedFile, purpose_key: str, acting_user: Any) -> StoredFile:
    """Validate and store one upload; raises DomainError with a message for the user."""
    spec = purpose(purpose_key)
    limit = spec.max_bytes or settings.UPLOAD_MAX_BYTES
    name = file.name or "upload"
    if file.size is None or file.size == 0:
        raise DomainError(_("The file %(name)s is empty.") % {"name": name})
    if file.size > limit:
        raise DomainError(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(file.size / 1048576, 1), "limit": limit // 1048576}
        )
    file.seek(0)
    head = file.read(65536)
    file.seek(0)
    content_type = sniff_content_type(head)
    if content_type not in spec.allowed_types:
        raise DomainError(
            _("The file %(name)s is not an accepted type (accepted: %(types)s).")
            % {"name": name, "types": ", ".join(_type_labels(spec.allowed_types))}
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stored = StoredFile(
        purpose=purpose_key,
        original_name=name[:255],
        content_type=content_type,
        size=file.size,
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
        uploaded_at=clock.now(),
    )
    stored.file.save(name, file, save=False)
    stored.save()
    return stored


def _type_labels(types: Iterable[str]) -> list[str]:
    return [ext.lstrip(".").upper() for t in types for ext in KNOWN_TYPES[t][:1]]


def may_download(user: AbstractBaseUser | AnonymousUser, stored: StoredFile) -> bool:
    spec = _purposes.get(stored.purpose)
    return bool(spec and user.is_authenticated and spec.can_download(user, stored))
