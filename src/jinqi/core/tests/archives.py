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


def _entity(n: int) -> bytes:
    inner = b"lol" if n == 0 else b"&lol%d;" % (n - 1) * 10
    return b' <!ENTITY lol%d "%s">\n' % (n, inner)


# The "billion laughs": ten entities each of ten of the one before, 10^9 "lol" if expanded.
ENTITY_PROLOG = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [\n'
    + b"".join(_entity(n) for n in range(10))
    + b"]>\n"
)


def with_entities(package: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The package with `part` declaring nested entities (the largest used in place of the
    text 进展, a cell of the sheet xlsx_bytes makes)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    assert part in source.namelist(), part
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = ENTITY_PROLOG + body.lstrip().replace("进展".encode(), b"&lol9;")
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def entity_xlsx() -> bytes:
    """A workbook whose sheet declares the nested entities of the billion laughs."""
    return with_entities(xlsx_bytes())


def zip_bomb() -> bytes:
    """A plain ZIP of one part of 200 MiB of zeros (some 200 KiB), named as anything."""
    return with_extra_part(b"", "zeros.bin", 200)


def parquet_bytes() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table({"uscc": ["91310116MA1JX8Y5Q5"]}), buffer)
    return buffer.getvalue()


# The first bytes of a Windows program (the DOS header of every .exe).
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def hostile_files() -> dict[str, tuple[str, bytes]]:
    """Hostile files for every upload and import: kind -> (the name it is sent under, bytes).

    Each must be refused with a message and leave nothing stored, at no more than 512 MB of
    memory. Built on each call (the bombs are cached): callers may write or change them."""
    xlsx = xlsx_bytes()
    return {
        "entity-expansion-xlsx": ("table.xlsx", entity_xlsx()),
        "zip-bomb-xlsx": ("table.xlsx", xlsx_bomb()),
        "zip-bomb": ("archive.xlsx", zip_bomb()),
        "executable-as-pdf": ("report.pdf", EXECUTABLE),
        "executable-as-xlsx": ("table.xlsx", EXECUTABLE),
        "executable-as-csv": ("table.csv", EXECUTABLE),
        "html-as-png": ("photo.png", HTML),
        "empty": ("empty.pdf", b""),
        # Parquet's magic first, then no Parquet: what a reader trusting the head would open.
        "not-parquet-as-parquet": ("data.parquet", b"PAR1" + bytes(range(256)) * 4),
        "parquet-without-end": ("data.parquet", parquet_bytes()[:-8]),
        "parquet-with-a-damaged-footer": ("data.parquet", b"PAR1" + bytes(64) + b"\x10\0\0\0PAR1"),
        "damaged-xlsx": ("table.xlsx", xlsx[: len(xlsx) // 2]),
    }
