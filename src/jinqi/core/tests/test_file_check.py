"""The one file check (`uploads.check_file`): every hostile file is refused before anything
parses it, at a small cost in memory; the good files of every accepted type pass; openpyxl itself
refuses XML entities too (defence in depth)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from defusedxml import DefusedXmlException
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jinqi.core.models import StoredFile
from jinqi.core.tests.archives import (
    ENTITY_PROLOG,
    entity_xlsx,
    hostile_files,
    parquet_bytes,
    with_entities,
    xlsx_bomb,
    xlsx_bytes,
    zip_bomb,
)
from jinqi.core.uploads import (
    CSV,
    EVIDENCE_TYPES,
    PARQUET,
    TABLE_TYPES,
    XLSX,
    FileRefusedError,
    UploadPurpose,
    _purposes,
    check_file,
    upload_store,
)

# Every type but CSV: to a purpose accepting CSV any text is one (HTML too), and the table's
# reader then refuses its header.
EVERY_TYPE = UploadPurpose(
    key="tests.every-type",
    allowed_types=(*EVIDENCE_TYPES, PARQUET),
    can_download=lambda user, stored: False,
)
MEMORY_LIMIT = 512 * 1024 * 1024  # what refusing a file may cost at most (issue #12)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refusal(content: bytes, name: str = "table.xlsx", purpose: UploadPurpose = EVERY_TYPE) -> str:
    with pytest.raises(FileRefusedError) as caught:
        check_file(io.BytesIO(content), name=name, purpose=purpose)
    return caught.value.message


@pytest.mark.parametrize("kind", sorted(hostile_files()))
def test_every_hostile_file_is_refused_by_the_check(kind: str) -> None:
    """Each hostile file is refused for a purpose that accepts every type, saying so by name."""
    name, content = hostile_files()[kind]
    assert refusal(content, name).startswith(f"The file {name} ")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(hostile_files()))
def test_a_hostile_upload_stores_nothing(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """upload_store refuses each hostile file with the check's message: no row, no file."""
    monkeypatch.setitem(_purposes, EVERY_TYPE.key, EVERY_TYPE)
    user = get_user_model().objects.create_user(username="uploader", role="lead_office")
    name, content = hostile_files()[kind]
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(FileRefusedError) as caught:
        upload_store(
            file=SimpleUploadedFile(name, content), purpose_key=EVERY_TYPE.key, acting_user=user
        )
    assert caught.value.message == refusal(content, name)
    assert not StoredFile.objects.exists()
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


@pytest.mark.parametrize("part", zipfile.ZipFile(io.BytesIO(xlsx_bytes())).namelist())
def test_entities_in_any_part_of_a_workbook_are_refused(part: str) -> None:
    """Whichever part declares the entities (the sheet, the workbook, the relations, the
    content types…), the workbook is refused, naming the part."""
    message = refusal(with_entities(xlsx_bytes(), part))
    assert message == (
        f"The file table.xlsx is refused: its part {part} declares a DTD or entities, which no "
        "office document holds (an XML entity attack)."
    )


def test_an_external_entity_in_a_docx_is_refused() -> None:
    """A DOCX whose document names an external DTD (the XXE shape) is refused as well."""
    body = b'<!DOCTYPE d SYSTEM "file:///etc/passwd"><w:document xmlns:w="urn:w"/>'
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body})
    assert "its part word/document.xml declares a DTD" in refusal(docx, "letter.docx")


def test_a_dtd_after_a_long_comment_is_still_found() -> None:
    """The prolog is read in blocks to the root element: a DTD 100 KB in is refused."""
    sheet = b"<!--" + b"x" * 100_000 + b"-->" + ENTITY_PROLOG.split(b"?>", 1)[1] + b"<a/>"
    workbook = _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>", "xl/s.xml": sheet}
    )
    assert "its part xl/s.xml declares a DTD" in refusal(workbook)


def test_a_part_named_as_xml_that_is_not_xml_is_refused() -> None:
    """A damaged XML part is refused by name; a binary part (an image) is not read as XML."""
    damaged = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\x00\x01<w"})
    assert "its part xl/workbook.xml is not well-formed XML" in refusal(damaged)
    with_image = _zip(
        {"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "xl/media/a.png": b"\x89P"}
    )
    assert check_file(io.BytesIO(with_image), name="t.xlsx", purpose=EVERY_TYPE) == XLSX


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (xlsx_bytes(), XLSX),
        (parquet_bytes(), PARQUET),
        ("统一社会信用代码,名称\n91310116MA1JX8Y5Q5,金山\n".encode("gb18030"), CSV),
    ],
    ids=["xlsx", "parquet", "gbk-csv"],
)
def test_good_files_pass_and_their_type_is_returned(content: bytes, expected: str) -> None:
    """A real workbook, Parquet file and GBK CSV pass, whatever their names say."""
    tables = UploadPurpose("t", TABLE_TYPES, lambda user, stored: False)
    assert check_file(io.BytesIO(content), name="x.pdf", purpose=tables) == expected


def test_a_path_is_checked_as_its_bytes(tmp_path: Path) -> None:
    """The command line's files are checked by path with the same rules, without a size limit."""
    path = tmp_path / "huge.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 1_000)
    table = UploadPurpose("t", TABLE_TYPES, lambda user, stored: False, max_bytes=100)
    assert check_file(path, name=path.name, purpose=table, size_limited=False) == CSV
    with pytest.raises(FileRefusedError, match="; the limit is "):
        check_file(path, name=path.name, purpose=table)


@pytest.mark.parametrize(
    "content", [xlsx_bomb(), zip_bomb(), entity_xlsx()], ids=["xlsx-bomb", "zip-bomb", "entities"]
)
def test_refusing_a_bomb_costs_little_memory(content: bytes) -> None:
    """A ZIP bomb (200 MiB of zeros) is refused from its central directory and the billion
    laughs from its prolog: Python allocates a few MB at most, far below 512 MB."""
    tracemalloc.start()
    try:
        with pytest.raises(FileRefusedError):
            check_file(io.BytesIO(content), name="bomb.xlsx", purpose=EVERY_TYPE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024 < MEMORY_LIMIT


def test_openpyxl_itself_refuses_entities() -> None:
    """Defence in depth: openpyxl parses with defusedxml (installed), so a workbook that
    reached it anyway fails with defusedxml's refusal instead of expanding the entities."""
    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(Exception) as caught:
        book = openpyxl.load_workbook(io.BytesIO(entity_xlsx()), read_only=True)
        list(book.worksheets[0].iter_rows(values_only=True))
    assert _in_chain(caught.value, DefusedXmlException)


def _in_chain(error: BaseException | None, kind: type[BaseException]) -> bool:
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
