"""The shared upload component: name checked, type checked by content, size limited (ZIP-based
Office files by their unpacked size too), stored through Django's storage API under a random name,
downloadable only by those the owning app's rule entitles."""

from __future__ import annotations

import codecs
import hashlib
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError as XMLParseError

import puremagic
import pyarrow as pa
import pyarrow.parquet as pq
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
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
PARQUET_MAGIC = b"PAR1"  # the first and the last four bytes of every Parquet file
CSV = "text/csv"
EVIDENCE_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
TABLE_TYPES = (CSV, XLSX, PARQUET)

MAX_NAME_LENGTH = 255  # characters, as StoredFile.original_name holds
# Characters a name must not hold: Cc (NUL, line breaks, tab…), Cf (U+202E RIGHT-TO-LEFT OVERRIDE
# and other invisible formatting), Cs (lone surrogates), Zl and Zp (Unicode line breaks).
FORBIDDEN_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
PATH_SEPARATORS = ("/", "\\")
MAX_ARCHIVE_ENTRIES = 10_000  # an XLSX or DOCX holds tens of parts; images add a few hundred
# Office XML compresses some 5 to 20 times; beyond this ratio only a ZIP bomb goes (checked once
# the archive unpacks past RATIO_CHECKED_FROM bytes, so a tiny repetitive part is no alarm).
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
# First bytes of executable programs, to tell the user what a refused file really is.
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE (.exe, .dll)
    b"\x7fELF",  # Linux and Unix
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), both word sizes and byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # a script run by the interpreter its first line names
)

DownloadRule = Callable[[Any, StoredFile], bool]


@dataclass(frozen=True)
class UploadPurpose:
    key: str
    allowed_types: tuple[str, ...]
    can_download: DownloadRule
    max_bytes: int | None = None
    # For XLSX and DOCX: the most their parts may unpack to (default UPLOAD_MAX_UNPACKED_BYTES).
    max_unpacked_bytes: int | None = None


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
    if head.startswith(PARQUET_MAGIC):
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
    """Plain text in UTF-8 or GB18030 (a multi-byte character may be cut at the end of `head`:
    the incremental decoder keeps such a tail for more bytes instead of failing on it)."""
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
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


OFFICE_TYPES = tuple(OFFICE_MAIN_PARTS.values())


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


def file_name_problem(name: str) -> str | None:
    """Why a file name is refused, or None: a name is shown and sent back in downloads, so it may
    not hold path separators or control characters, be longer than 255 characters or be no name
    at all (only dots or spaces). The name is refused rather than cleaned, so the user knows."""
    for character in name:
        if unicodedata.category(character) in FORBIDDEN_NAME_CATEGORIES:
            # The name itself is not repeated: the character could garble the message.
            return _(
                "The file name contains a control or invisible formatting character (%(code)s); "
                "rename the file and upload it again."
            ) % {"code": f"U+{ord(character):04X}"}
    separators = [s for s in PATH_SEPARATORS if s in name]
    if separators:
        return _(
            "The file name %(name)s contains a path separator (%(separator)s); rename the file "
            "and upload it again."
        ) % {"name": name, "separator": " ".join(separators)}
    if len(name) > MAX_NAME_LENGTH:
        return _(
            "The file name is %(length)s characters long; the limit is %(limit)s. Rename the "
            "file and upload it again."
        ) % {"length": len(name), "limit": MAX_NAME_LENGTH}
    if not name.strip(". \u3000"):
        return _(
            "The file has no usable name (only dots or spaces); rename it and upload it again."
        )
    return None


def archive_problem(source: IO[bytes], *, max_unpacked_bytes: int | None = None) -> str | None:
    """Why a ZIP-based file (XLSX, DOCX) is unsafe to unpack, as a clause for a message, or None.

    Only the central directory is read, nothing is decompressed. Its sizes may lie, but Python's
    zipfile never inflates a part past the size the central directory declares (it stops there
    and the CRC check fails), so whoever later reads the file with zipfile (openpyxl does) unpacks
    at most what was checked here. Nested archives are not opened by our code, so they are only
    counted by their declared size, like any other part.
    """
    limit = max_unpacked_bytes or settings.UPLOAD_MAX_UNPACKED_BYTES
    try:
        # Parsing the central directory takes memory in proportion to the file's size, which
        # the upload limit has already bounded.
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("it is not a readable ZIP archive")
    finally:
        source.seek(0)
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        return _("it holds %(count)s parts, more than the limit of %(limit)s") % {
            "count": len(entries),
            "limit": MAX_ARCHIVE_ENTRIES,
        }
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > limit:
        return _("it would unpack to %(size)s MB, more than the limit of %(limit)s MB") % {
            "size": _megabytes(unpacked),
            "limit": _megabytes(limit),
        }
    if unpacked > RATIO_CHECKED_FROM and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        return _("it is compressed %(ratio)s to 1, far beyond any real document (a ZIP bomb)") % {
            "ratio": unpacked // max(packed, 1)
        }
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}".removesuffix(".0")


def _content_description(head: bytes, content_type: str | None) -> str | None:
    """What a refused file's content is, when that is easy to tell and worth telling."""
    if head.startswith(EXECUTABLE_SIGNATURES):
        return _("its content is an executable program")
    if content_type in KNOWN_TYPES and content_type != CSV:  # any text would read as CSV
        return _("its content is %(kind)s") % {"kind": _type_labels([content_type])[0]}
    return None


def upload_store(*, file: UploadedFile, purpose_key: str, acting_user: Any) -> StoredFile:
    """Validate and store one upload; raises DomainError with a message for the user, and then
    nothing is stored."""
    spec = purpose(purpose_key)
    # The name the client sent (kept by jinqi.core.multipart), not Django's cleaned-up one.
    name = getattr(file, "client_name", None) or file.name or ""
    problem = file_name_problem(name)
    if problem:
        raise DomainError(problem)
    content_type = check_file(file, name=name, purpose=spec)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stored = StoredFile(
        purpose=purpose_key,
        original_name=name,
        content_type=content_type,
        size=file.size or 0,  # check_file refused an empty file
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
        uploaded_at=clock.now(),
    )
    # The stored path is made from the row's uuid (core.models._upload_path), never the name.
    stored.file.save(name, file, save=False)
    stored.save()
    return stored


class FileRefusedError(DomainError):
    """A file refused at the boundary, before anything parsed it; the message says why."""


def check_file(
    source: Path | IO[bytes], *, name: str, purpose: UploadPurpose, size_limited: bool = True
) -> str:
    """The content type of a file that may be read, or FileRefusedError saying why it may not.

    The one check every file passes before anything parses it, whether it comes from a form,
    the API or the command line: not empty, not over the size limit (unless `size_limited` is
    False: an operator's file on the command line), a type the purpose accepts judged by its
    bytes, and for each type what its reader would trust: an XLSX or DOCX within the archive
    limits with no DTD in any XML part, a Parquet file with both magic markers and a footer
    that reads. `source` is a path or a seekable binary file, left at its start.
    """
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return check_file(handle, name=name, purpose=purpose, size_limited=size_limited)
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    if size == 0:
        raise FileRefusedError(_("The file %(name)s is empty.") % {"name": name})
    limit = purpose.max_bytes or settings.UPLOAD_MAX_BYTES
    if size_limited and size > limit:
        raise FileRefusedError(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"}
        )
    head = source.read(65536)
    source.seek(0)
    content_type = sniff_content_type(head, source)
    if content_type not in purpose.allowed_types:
        types = ", ".join(_type_labels(purpose.allowed_types))
        description = _content_description(head, content_type)
        if description:
            raise FileRefusedError(
                _("The file %(name)s is not an accepted type: %(content)s (accepted: %(types)s).")
                % {"name": name, "content": description, "types": types}
            )
        raise FileRefusedError(
            _("The file %(name)s is not an accepted type (accepted: %(types)s).")
            % {"name": name, "types": types}
        )
    problem = None
    if content_type in OFFICE_TYPES:
        problem = archive_problem(source, max_unpacked_bytes=purpose.max_unpacked_bytes)
        problem = problem or xml_problem(source)
    elif content_type == PARQUET:
        problem = parquet_problem(source, size)
    source.seek(0)
    if problem:
        raise FileRefusedError(
            _("The file %(name)s is refused: %(reason)s.") % {"name": name, "reason": problem}
        )
    return content_type


# Parts whose names say XML: one of them that is not well-formed makes the document unreadable.
XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
XML_READ_BLOCK = 16384


class _RootReachedError(Exception):
    """The root element started: a DTD can no longer follow (XML 1.0, production [22])."""


class _StopAtRoot:
    """A parser target that ends the parse at the root element's start tag."""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise _RootReachedError

    def close(self) -> None:
        return None


def xml_problem(source: IO[bytes]) -> str | None:
    """Why an XLSX or DOCX would be unsafe to parse, as a clause for a message, or None.

    Every part is read with defusedxml, refusing any DTD (an entity declaration, the "billion
    laughs", an external entity): Office writes none. A DTD can only stand before the root
    element, so each part is read in blocks up to its root's start tag and no further; memory
    stays one block, and the whole check reads little more than the parts' first bytes. Parts
    that are not XML (images) stop the parser at their first byte. Call archive_problem first:
    the parts are unpacked, though only as far as their prologs.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            for entry in archive.infolist():
                if entry.is_dir():
                    continue
                parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
                try:
                    with archive.open(entry) as part:
                        for block in iter(lambda: part.read(XML_READ_BLOCK), b""):
                            parser.feed(block)
                        parser.close()
                except _RootReachedError:
                    continue
                except DefusedXmlException:
                    return _(
                        "its part %(part)s declares a DTD or entities, which no office document "
                        "holds (an XML entity attack)"
                    ) % {"part": entry.filename}
                except XMLParseError:
                    if not entry.filename.lower().endswith(XML_PART_SUFFIXES):
                        continue  # not XML, and nothing will read it as XML
                return _("its part %(part)s is not well-formed XML") % {"part": entry.filename}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _("it is not a readable ZIP archive")
    finally:
        source.seek(0)
    return None


def parquet_problem(source: IO[bytes], size: int) -> str | None:
    """Why a Parquet file would be unsafe or impossible to read, or None: its magic marker at
    both ends, and its footer (the schema and row groups) read by pyarrow without any data."""
    try:
        if size < 12:  # PAR1, the footer's length, PAR1
            return _("it is not a readable Parquet file (it is cut short)")
        source.seek(size - 4)
        if source.read(4) != PARQUET_MAGIC:
            return _("it is not a readable Parquet file (its end is missing or damaged)")
        source.seek(0)
        pq.read_metadata(source)
    except (pa.ArrowException, OSError, ValueError):
        return _("it is not a readable Parquet file (its footer is damaged)")
    finally:
        source.seek(0)
    return None


def _type_labels(types: Iterable[str]) -> list[str]:
    return [ext.lstrip(".").upper() for t in types for ext in KNOWN_TYPES[t][:1]]


def may_download(user: AbstractBaseUser | AnonymousUser, stored: StoredFile) -> bool:
    spec = _purposes.get(stored.purpose)
    return bool(spec and user.is_authenticated and spec.can_download(user, stored))


def download_name(stored: StoredFile) -> str:
    """The name a download is offered under: the uploaded name, with anything that upload_store
    now refuses (rows stored before it did) replaced, so the header stays one safe line."""
    name = "".join(
        "_" if unicodedata.category(c) in FORBIDDEN_NAME_CATEGORIES or c in PATH_SEPARATORS else c
        for c in stored.original_name
    )
    return name[-MAX_NAME_LENGTH:] if name.strip(". _") else "download"
