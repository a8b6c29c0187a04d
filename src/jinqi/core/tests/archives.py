"""Office files and ZIP bombs for tests, built in memory."""

from __future__ import annotations

import functools
import io
import zipfile

import openpyxl


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "进展"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_extra_part(package: bytes, name: str, megabytes: int) -> bytes:
    """The package with one more part of zeros, written in 1 MiB pieces (never held whole)."""
    buffer = io.BytesIO(package)
    zero = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as part,
    ):
        for _ in range(megabytes):
            part.write(zero)
    return buffer.getvalue()


@functools.cache
def xlsx_bomb() -> bytes:
    """A valid workbook carrying a 200 MiB part of zeros: some 200 KiB on the wire."""
    return with_extra_part(xlsx_bytes(), "xl/media/image1.bin", 200)
