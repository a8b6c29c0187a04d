"""Uploads: the type is read from the bytes, never the name; refusals store nothing; downloads are
for those the purpose's rule entitles (others get a 404)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinqi.core.errors import DomainError
from jinqi.core.models import StoredFile
from jinqi.core.uploads import (
    EVIDENCE_TYPES,
    KNOWN_TYPES_BY_EXT,
    UploadPurpose,
    _purposes,
    sniff_content_type,
    upload_store,
)

pytestmark = pytest.mark.django_db

PURPOSE = "tests.own-files"  # a purpose of this module: only the uploader may download
ACCEPTED = "PDF, JPG, PNG, XLSX, DOCX"

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 16
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "进展"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(parts: dict[str, bytes], stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def large_xlsx_bytes() -> bytes:
    """A workbook whose parts list (at the end of the ZIP) lies beyond the first 64 KiB."""
    return zip_bytes(
        {
            "xl/media/image1.png": os.urandom(100_000),
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
        },
        stored=True,
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _purpose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        _purposes,
        PURPOSE,
        UploadPurpose(
            key=PURPOSE,
            allowed_types=EVIDENCE_TYPES,
            can_download=lambda user, stored: stored.uploaded_by_id == user.pk,
        ),
    )


@pytest.fixture
def user() -> Any:
    return get_user_model().objects.create_user(username="uploader", role="lead_office")


def store(user: Any, name: str, content: bytes) -> StoredFile:
    return upload_store(
        file=SimpleUploadedFile(name, content), purpose_key=PURPOSE, acting_user=user
    )


def files_on_disk() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("scan.pdf", PDF, ".pdf"),
        ("photo.png", PNG, ".png"),
        ("photo.jpg", JPEG, ".jpg"),
        ("table.xlsx", xlsx_bytes(), ".xlsx"),
        ("big-table.xlsx", large_xlsx_bytes(), ".xlsx"),
        ("letter.docx", docx_bytes(), ".docx"),
    ],
    ids=["pdf", "png", "jpeg", "xlsx", "xlsx-over-64k", "docx"],
)
def test_accepted_types_are_recognised_by_content(
    user: Any, name: str, content: bytes, ext: str
) -> None:
    """Each accepted type is stored with the content type its bytes show, its size and hash."""
    stored = store(user, name, content)
    assert stored.content_type == KNOWN_TYPES_BY_EXT[ext]
    assert (stored.original_name, stored.size, stored.uploaded_by) == (name, len(content), user)
    with stored.file.open("rb") as handle:
        assert handle.read() == content
    assert len(stored.sha256) == 64


def test_a_pdf_named_png_is_stored_as_pdf(user: Any) -> None:
    """The name's extension is ignored: a PDF called .png is a PDF."""
    stored = store(user, "scan.png", PDF)
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "scan.png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),
        ("report.pdf", HTML),
        ("table.xlsx", zip_bytes({"payload.exe": EXE})),
        ("notes.pdf", "纯文本进展说明".encode()),
    ],
    ids=["exe-as-pdf", "html-as-pdf", "zip-as-xlsx", "text-as-pdf"],
)
def test_disguised_files_are_refused_and_nothing_is_stored(
    user: Any, name: str, content: bytes
) -> None:
    """A file whose bytes are not an accepted type is refused, naming the accepted types, and
    leaves no row and no file behind."""
    rows, files = StoredFile.objects.count(), len(files_on_disk())
    with pytest.raises(DomainError) as caught:
        store(user, name, content)
    assert caught.value.message == (
        f"The file {name} is not an accepted type (accepted: {ACCEPTED})."
    )
    assert (StoredFile.objects.count(), len(files_on_disk())) == (rows, files)


def test_empty_file_is_refused(user: Any) -> None:
    """An empty upload is refused by name and nothing is stored."""
    files = len(files_on_disk())
    with pytest.raises(DomainError) as caught:
        store(user, "empty.pdf", b"")
    assert caught.value.message == "The file empty.pdf is empty."
    assert not StoredFile.objects.exists()
    assert len(files_on_disk()) == files


def test_oversize_file_is_refused(user: Any, settings: Any) -> None:
    """A file over the limit is refused with its size and the limit, and nothing is stored."""
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    files = len(files_on_disk())
    with pytest.raises(DomainError) as caught:
        store(user, "huge.pdf", PDF + b"\x00" * (3 * 1024 * 1024 - len(PDF)))
    assert caught.value.message == "The file huge.pdf is 3.0 MB; the limit is 2 MB."
    assert not StoredFile.objects.exists()
    assert len(files_on_disk()) == files


def test_purpose_limit_is_below_the_site_limit(user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A purpose may set a smaller limit than the site's, and it is the one applied."""
    monkeypatch.setitem(
        _purposes,
        PURPOSE,
        UploadPurpose(
            key=PURPOSE,
            allowed_types=EVIDENCE_TYPES,
            can_download=lambda u, s: True,
            max_bytes=1024 * 1024,
        ),
    )
    with pytest.raises(DomainError) as caught:
        store(user, "scan.pdf", PDF + b"\x00" * (2 * 1024 * 1024))
    assert "the limit is 1 MB" in caught.value.message
    assert not StoredFile.objects.exists()


def test_purpose_narrows_the_accepted_types(user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A purpose accepting only images refuses a PDF and names only its own types."""
    monkeypatch.setitem(
        _purposes,
        PURPOSE,
        UploadPurpose(
            key=PURPOSE,
            allowed_types=("image/png", "image/jpeg"),
            can_download=lambda u, s: True,
        ),
    )
    with pytest.raises(DomainError) as caught:
        store(user, "scan.pdf", PDF)
    assert caught.value.message == "The file scan.pdf is not an accepted type (accepted: PNG, JPG)."


def test_sniffing_tells_xlsx_from_docx_from_other_zips() -> None:
    """XLSX, DOCX and any other ZIP share their first bytes; their parts tell them apart."""
    assert sniff_content_type(xlsx_bytes()) == KNOWN_TYPES_BY_EXT[".xlsx"]
    assert sniff_content_type(docx_bytes()) == KNOWN_TYPES_BY_EXT[".docx"]
    assert sniff_content_type(zip_bytes({"a.txt": b"hello"})) is None
    big = large_xlsx_bytes()
    assert sniff_content_type(big[:65536]) is None  # the parts list is not in the head
    assert sniff_content_type(big[:65536], io.BytesIO(big)) == KNOWN_TYPES_BY_EXT[".xlsx"]


def test_download_is_for_those_the_purpose_entitles(client: Client, user: Any) -> None:
    """The uploader gets the file as an attachment; another user gets a 404, a visitor the login
    page."""
    stored = store(user, "scan.pdf", PDF)
    url = reverse("core:file_download", args=[stored.uuid])

    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]  # a FileResponse
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"

    client.force_login(get_user_model().objects.create_user(username="other", role="lead_office"))
    assert client.get(url).status_code == 404

    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
