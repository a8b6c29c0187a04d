"""The shared upload component: type checked by content, size limited, stored through Django's
storage API, downloadable only by those the owning app's rule entitles."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

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
    "application/vnd.apache.parquet": (".parquet",),
    "text/csv": (".csv",),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARQUET = "application/vnd.apache.parquet"
CSV = "text/csv"
EVIDENCE_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
TABLE_TYPES = (CSV, XLSX, PARQUET)

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


def sniff_content_type(head: bytes, whole: IO[bytes] | None = None) -> str | None:
    """The content type of a file from its first bytes, or None if it is not one we accept.

    XLSX and DOCX are ZIP archives, told apart by their parts, so they need `whole` (the whole
    file, seekable) unless `head` is the whole file.
    """
    if head.startswith(b"PK\x03\x04"):
        # puremagic labels every ZIP (DOCX, JAR, any archive) with all Office extensions alike.
        return _office_type(whole if whole is not None else io.BytesIO(head))
    if head.startswith(b"PAR1"):
        return PARQUET
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    for match in matches:
        mime = match.mime_type or KNOWN_TYPES_BY_EXT.get(match.extension.lower(), "")
        if mime in KNOWN_TYPES and mime not in OFFICE_MAIN_PARTS.values() and mime != CSV:
            return mime
    return CSV if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    """Plain text in UTF-8 or GB18030 (a multi-byte character may be cut at the end of `head`)."""
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head[:-4].decode(encoding) if len(head) > 4 else head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


KNOWN_TYPES_BY_EXT = {ext: mime for mime, exts in KNOWN_TYPES.items() for ext in exts}
# The main part each Office format's package holds (ECMA-376 part 2; what Office writes).
OFFICE_MAIN_PARTS = {
    "xl/workbook.xml": KNOWN_TYPES_BY_EXT[".xlsx"],
    "word/document.xml": KNOWN_TYPES_BY_EXT[".docx"],
}


def _office_type(source: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        source.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for part, mime in OFFICE_MAIN_PARTS.items():
        if part in names:
            return mime
    return None


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
            % {"name": name, "size": f"{file.size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"}
        )
    file.seek(0)
    head = file.read(65536)
    file.seek(0)
    content_type = sniff_content_type(head, file)
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
