"""Verifiable documents (docs/adr/0014-verifiable-documents.md): a document the platform issues
as a PDF with a QR code and a short code, both leading to a public page that shows the same
document, the hash of its content, when it was issued, until when it is valid and whether it
has been revoked. Core knows no domain: the issuing app composes the text (already in Chinese),
decides when a document stops being true and revokes it, and writes its own audit row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.models import VerifiableDocument

# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8·10^14: not guessable by walking the public page


@dataclass(frozen=True)
class Section:
    heading: str
    lines: list[str]


@dataclass(frozen=True)
class DocumentContent:
    """What a document says, in the words the reader reads: a title, who issues it, the subject
    as label–value pairs, sections of lines, and closing notes."""

    title: str
    issuer: str
    subject: list[tuple[str, str]]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["subject"] = [list(pair) for pair in self.subject]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentContent:
        return cls(
            title=data["title"],
            issuer=data["issuer"],
            subject=[(label, value) for label, value in data["subject"]],
            sections=[Section(s["heading"], list(s["lines"])) for s in data["sections"]],
            notes=list(data.get("notes", [])),
        )


class DocumentStatus:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def content_hash(
    *, kind: str, code: str, issued_at: dt.datetime, valid_until: dt.date, content: dict[str, Any]
) -> str:
    """SHA-256 over the canonical JSON of everything the document states (its code, times and
    content), so the same document always gives the same hash and any change gives another."""
    canonical = json.dumps(
        {
            "kind": kind,
            "code": code,
            "issued_at": issued_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "valid_until": valid_until.isoformat(),
            "content": content,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def document_issue(
    *, kind: str, content: DocumentContent, valid_until: dt.date, acting_user: Any
) -> VerifiableDocument:
    """Issue a document; its content, hash and code are fixed from now on. The caller audits."""
    if valid_until < clock.today():
        raise DomainError(_("A document cannot expire before it is issued."))
    issued_at = clock.now().replace(microsecond=0)
    data = content.as_json()
    for _attempt in range(5):
        code = _new_code()
        try:
            with transaction.atomic():
                return VerifiableDocument.objects.create(
                    kind=kind,
                    code=code,
                    content=data,
                    content_hash=content_hash(
                        kind=kind,
                        code=code,
                        issued_at=issued_at,
                        valid_until=valid_until,
                        content=data,
                    ),
                    issued_at=issued_at,
                    valid_until=valid_until,
                    issued_by=acting_user,
                )
        except IntegrityError:  # the unique code drawn twice: draw again
            continue
    raise DomainError(_("No verification code could be drawn; please try again."))


def documents_revoke(*, documents: QuerySet[VerifiableDocument], reason: str) -> int:
    """Revoke the given documents that are not revoked yet; returns how many. The caller decides
    why (a fact the document states has changed) and audits."""
    return documents.filter(revoked_at__isnull=True).update(
        revoked_at=clock.now(), revocation_reason=reason[:300]
    )


_freshness_checks: dict[str, Callable[[VerifiableDocument], None]] = {}


def register_freshness_check(kind: str, check: Callable[[VerifiableDocument], None]) -> None:
    """The issuing app's check, run before a document of `kind` is shown: it revokes the document
    if what it states is no longer true (a safety net beside the app's own revocations)."""
    _freshness_checks[kind] = check


def document_refresh(document: VerifiableDocument) -> VerifiableDocument:
    check = _freshness_checks.get(document.kind)
    if check is not None and document.revoked_at is None:
        check(document)
        document.refresh_from_db()
    return document


def normalize_code(text: str) -> str:
    """A code as typed or read from paper: any case, spaces and hyphens ignored."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def document_by_code(text: str) -> VerifiableDocument | None:
    code = normalize_code(text)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return VerifiableDocument.objects.filter(code=code).first()


def document_status(document: VerifiableDocument) -> str:
    if document.revoked_at is not None:
        return DocumentStatus.REVOKED
    if document.valid_until < clock.today():
        return DocumentStatus.EXPIRED
    return DocumentStatus.VALID


def hash_matches(document: VerifiableDocument) -> bool:
    """Whether the stored content still gives the hash issued with it (a tampered row does not)."""
    return document.content_hash == content_hash(
        kind=document.kind,
        code=document.code,
        issued_at=document.issued_at,
        valid_until=document.valid_until,
        content=document.content,
    )
