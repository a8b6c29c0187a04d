"""Uploads: the type is read from the bytes, never the name; bad names, executables, empty and
oversized files and ZIP bombs are refused with a message and store nothing; downloads are for
those the purpose's rule entitles (others get a 404)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from jinqi.core.errors import DomainError
from jinqi.core.models import StoredFile
from jinqi.core.multipart import ClientFileNameMiddleware
from jinqi.core.tests.archives import with_extra_part, xlsx_bomb, xlsx_bytes
from jinqi.core.uploads import (
    EVIDENCE_TYPES,
    KNOWN_TYPES_BY_EXT,
    UploadPurpose,
    _purposes,
    archive_problem,
    download_name,
    file_name_problem,
    sniff_content_type,
    upload_store,
)

pytestmark = pytest.mark.django_db

PURPOSE = "tests.own-files"  # a purpose of this module: only the uploader may download
ACCEPTED = "PDF, JPG, PNG, XLSX, DOCX"

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 16
# The first bytes of a real Windows PE (the DOS header of any .exe) and of a real 64-bit Linux ELF.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


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
            "word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
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


def zip_with_parts(count: int) -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
        | {f"xl/worksheets/sheet{n}.xml": b"" for n in range(count)},
        stored=True,
    )


def with_declared_size(package: bytes, name: str, size: int) -> bytes:
    """The package with the central directory lying that `name` unpacks to `size` bytes."""
    entry = package.index(b"PK\x01\x02")  # the first central directory header
    while True:
        name_length = struct.unpack_from("<H", package, entry + 28)[0]
        if package[entry + 46 : entry + 46 + name_length] == name.encode():
            return package[: entry + 24] + struct.pack("<I", size) + package[entry + 28 :]
        entry = package.index(b"PK\x01\x02", entry + 4)


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


def refusal(user: Any, file: UploadedFile) -> str:
    """The message upload_store refuses `file` with, after checking it stored nothing."""
    rows, files = StoredFile.objects.count(), files_on_disk()
    with pytest.raises(DomainError) as caught:
        upload_store(file=file, purpose_key=PURPOSE, acting_user=user)
    assert StoredFile.objects.count() == rows
    assert files_on_disk() == files
    return caught.value.message


def as_sent(file_name: str, content: bytes = PDF) -> UploadedFile:
    """The file as a view gets it from a multipart request naming it `file_name`, byte for byte
    (Django's test client would clean the name before sending it)."""
    head = (
        '--boundary\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    body = head.encode() + content + b"\r\n--boundary--\r\n"
    request = RequestFactory().generic(
        "POST", "/", body, content_type="multipart/form-data; boundary=boundary"
    )
    received: dict[str, UploadedFile] = {}

    def view(request: HttpRequest) -> HttpResponse:
        received["file"] = request.FILES.getlist("file")[0]
        return HttpResponse()

    ClientFileNameMiddleware(view)(request)
    return received["file"]


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
        ("report.pdf", HTML),
        ("table.xlsx", zip_bytes({"payload.exe": EXE})),
        ("notes.pdf", "纯文本进展说明".encode()),
    ],
    ids=["html-as-pdf", "zip-as-xlsx", "text-as-pdf"],
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


@pytest.mark.parametrize("content", [EXE, ELF], ids=["windows-pe", "linux-elf"])
def test_an_executable_named_pdf_is_refused_as_a_program(user: Any, content: bytes) -> None:
    """A program renamed to .pdf is refused, saying its content is an executable program."""
    message = refusal(user, SimpleUploadedFile("report.pdf", content))
    assert message == (
        "The file report.pdf is not an accepted type: its content is an executable program "
        f"(accepted: {ACCEPTED})."
    )


def test_the_executable_refusal_reads_in_chinese(user: Any) -> None:
    """The refusal is in Simplified Chinese for a Chinese-speaking user."""
    with translation.override("zh-hans"):
        message = refusal(user, SimpleUploadedFile("report.pdf", EXE))
    assert message == (
        "文件 report.pdf 的类型不符合要求：内容是可执行程序"
        "（可接受的类型：PDF, JPG, PNG, XLSX, DOCX）。"
    )


def test_empty_file_is_refused(user: Any) -> None:
    """An empty upload is refused by name and nothing is stored."""
    message = refusal(user, SimpleUploadedFile("empty.pdf", b""))
    assert message == "The file empty.pdf is empty."


def test_oversize_file_is_refused(user: Any, settings: Any) -> None:
    """A file over the limit is refused with its size and the limit, and nothing is stored."""
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    content = PDF + b"\x00" * (3 * 1024 * 1024 - len(PDF))
    message = refusal(user, SimpleUploadedFile("huge.pdf", content))
    assert message == "The file huge.pdf is 3.0 MB; the limit is 2 MB."


def test_an_xlsx_zip_bomb_is_refused_without_unpacking_it(user: Any) -> None:
    """A valid workbook whose parts unpack to 200 MB is refused by its declared size, and
    nothing is stored."""
    bomb = xlsx_bomb()
    assert len(bomb) < 1024 * 1024
    assert sniff_content_type(bomb) == KNOWN_TYPES_BY_EXT[".xlsx"]
    message = refusal(user, SimpleUploadedFile("table.xlsx", bomb))
    assert message == (
        "The file table.xlsx is refused: it would unpack to 200 MB, more than the limit of 100 MB."
    )


def test_the_unpacked_limit_is_a_setting(user: Any, settings: Any) -> None:
    """UPLOAD_MAX_UNPACKED_BYTES sets the limit, and a purpose may set its own."""
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024
    workbook = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/media/image1.png": os.urandom(2 * 1024 * 1024),
        },
        stored=True,
    )
    message = refusal(user, SimpleUploadedFile("photos.xlsx", workbook))
    assert message == (
        "The file photos.xlsx is refused: it would unpack to 2 MB, more than the limit of 1 MB."
    )
    roomy = UploadPurpose(
        key=PURPOSE,
        allowed_types=EVIDENCE_TYPES,
        can_download=lambda u, s: True,
        max_unpacked_bytes=4 * 1024 * 1024,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(_purposes, PURPOSE, roomy)
        assert store(user, "photos.xlsx", workbook).size == len(workbook)


def test_a_docx_compressed_like_a_bomb_is_refused(user: Any) -> None:
    """A document under the size limit but compressed a thousand to one is refused."""
    bomb = with_extra_part(docx_bytes(), "word/media/image1.bin", 5)
    message = refusal(user, SimpleUploadedFile("letter.docx", bomb))
    assert message.startswith("The file letter.docx is refused: it is compressed ")
    assert message.endswith(" to 1, far beyond any real document (a ZIP bomb).")


def test_a_workbook_of_too_many_parts_is_refused(user: Any) -> None:
    """A workbook of more than 10,000 parts is refused, saying how many it holds."""
    message = refusal(user, SimpleUploadedFile("table.xlsx", zip_with_parts(10_001)))
    assert message == (
        "The file table.xlsx is refused: it holds 10003 parts, more than the limit of 10000."
    )


def test_a_lying_central_directory_caps_what_is_unpacked() -> None:
    """A part declaring fewer bytes than it holds passes the check, but reading it never yields
    more than declared: the guarantee the readers of XLSX rely on."""
    liar = with_declared_size(
        with_extra_part(xlsx_bytes(), "xl/media/image1.bin", 8), "xl/media/image1.bin", 1000
    )
    assert archive_problem(io.BytesIO(liar)) is None
    with zipfile.ZipFile(io.BytesIO(liar)) as archive, archive.open("xl/media/image1.bin") as part:
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            part.read(10 * 1024 * 1024)
        assert part.tell() <= 1000


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        (
            "../../etc/passwd.pdf",
            "The file name ../../etc/passwd.pdf contains a path separator (/); rename the file "
            "and upload it again.",
        ),
        (
            "a/b.pdf",
            "The file name a/b.pdf contains a path separator (/); rename the file and upload it "
            "again.",
        ),
        (
            "a\\b.pdf",
            "The file name a\\b.pdf contains a path separator (\\); rename the file and upload "
            "it again.",
        ),
        *(
            (
                f"report{character}.pdf",
                "The file name contains a control or invisible formatting character "
                f"({code}); rename the file and upload it again.",
            )
            for character, code in [
                ("\x00", "U+0000"),
                ("\n", "U+000A"),
                ("\r", "U+000D"),
                ("\t", "U+0009"),
                ("\u202e", "U+202E"),
                ("\u200b", "U+200B"),
                ("\u2028", "U+2028"),
            ]
        ),
        (
            "x" * 252 + ".pdf",
            "The file name is 256 characters long; the limit is 255. Rename the file and upload "
            "it again.",
        ),
        (
            "...",
            "The file has no usable name (only dots or spaces); rename it and upload it again.",
        ),
        ("..", "The file has no usable name (only dots or spaces); rename it and upload it again."),
        (
            " . ",
            "The file has no usable name (only dots or spaces); rename it and upload it again.",
        ),
    ],
    ids=[
        "parent-path",
        "slash",
        "backslash",
        "nul",
        "line-feed",
        "carriage-return",
        "tab",
        "right-to-left-override",
        "zero-width-space",
        "line-separator",
        "too-long",
        "dots",
        "parent-dir",
        "blank",
    ],
)
def test_a_bad_file_name_as_sent_is_refused_by_name(
    user: Any, file_name: str, message: str
) -> None:
    """A file sent with a bad name is refused, naming the problem, though Django would have
    cleaned the name; nothing is stored."""
    assert refusal(user, as_sent(file_name)) == message


def test_a_bad_name_is_refused_whoever_calls(user: Any) -> None:
    """upload_store checks the name it is given, not only names sent over HTTP."""
    message = refusal(user, SimpleUploadedFile("report\\x.pdf", PDF))
    assert "contains a path separator" in message


def test_a_good_name_as_sent_is_kept(user: Any) -> None:
    """A name in Chinese with spaces and brackets is stored as the client sent it."""
    stored = upload_store(
        file=as_sent("进展报告 (第1季度).pdf"), purpose_key=PURPOSE, acting_user=user
    )
    assert stored.original_name == "进展报告 (第1季度).pdf"
    assert stored.file.name == f"uploads/{PURPOSE}/{stored.uuid.hex[:2]}/{stored.uuid.hex}"


def test_the_middleware_runs_before_anything_reads_the_form() -> None:
    """The parser keeping sent names is installed before the CSRF check reads request.POST."""
    chain = settings.MIDDLEWARE
    assert chain.index("jinqi.core.multipart.ClientFileNameMiddleware") < chain.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


ACCEPTABLE_NAMES = st.text(
    st.characters(exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp"], exclude_characters="/\\"),
    min_size=1,
    max_size=200,
).filter(lambda name: name.strip(". \u3000"))
BAD_CHARACTERS = st.characters(categories=["Cc", "Cf", "Zl", "Zp"]) | st.sampled_from("/\\")


@hypothesis_settings(max_examples=200, deadline=None)
@given(name=ACCEPTABLE_NAMES, bad=BAD_CHARACTERS, at=st.integers(min_value=0))
def test_one_bad_character_anywhere_refuses_a_name(name: str, bad: str, at: int) -> None:
    """A name is accepted unless it holds a separator or control character, and one such
    character anywhere in an accepted name makes it refused."""
    assert file_name_problem(name) is None
    position = at % (len(name) + 1)
    assert file_name_problem(name[:position] + bad + name[position:]) is not None


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=300))
def test_any_stored_name_downloads_under_a_safe_header(name: str) -> None:
    """Whatever name a row holds (rows predate the name check), the download header is one line
    without separators or control characters."""
    safe = download_name(StoredFile(original_name=name))
    assert file_name_problem(safe) is None
    response = FileResponse(io.BytesIO(b"x"), as_attachment=True, filename=safe)
    assert "\n" not in response["Content-Disposition"]


def test_download_of_an_old_row_with_a_bad_name_is_safe(client: Client, user: Any) -> None:
    """A row stored before names were checked downloads under a cleaned name."""
    stored = store(user, "scan.pdf", PDF)
    StoredFile.objects.filter(pk=stored.pk).update(original_name="../a\nb\u202e.pdf")
    client.force_login(user)
    response = client.get(reverse("core:file_download", args=[stored.uuid]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename=".._a_b_.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


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
    assert caught.value.message == (
        "The file scan.pdf is not an accepted type: its content is PDF (accepted: PNG, JPG)."
    )


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
