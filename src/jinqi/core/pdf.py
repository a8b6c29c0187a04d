"""A verifiable document as PDF (docs/adr/0014-verifiable-documents.md).

Chinese text is set in Adobe's standard Chinese CID font STSong-Light with the UniGB-UCS2-H
encoding: the PDF names the font and every PDF viewer supplies it (Acrobat, PDFium in Chrome and
Edge, pdf.js, Preview), so no font file ships with the platform or has to be on the server, and
the text is stored as Unicode, so copying and text extraction give the Chinese characters back.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from jinqi.core.documents import DocumentContent
from jinqi.core.models import VerifiableDocument

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_MARGIN = 56.0
_BODY = 10.5
_LEADING = 16.0
_QR_SIZE = 96.0


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Break a line of Chinese (no spaces to break at) by its width in the font."""
    lines: list[str] = []
    current = ""
    for char in text:
        if pdfmetrics.stringWidth(current + char, FONT, size) > width and current:
            lines.append(current)
            current = ""
        current += char
    lines.append(current)
    return lines


class _Writer:
    """Lines top to bottom, a new page when the space above the footer runs out."""

    def __init__(self, canvas: Canvas, footer: Callable[[], None], footer_height: float) -> None:
        self.canvas = canvas
        self.footer = footer
        self.width, self.height = A4
        self.bottom = _MARGIN + footer_height
        self.y = self.height - _MARGIN

    def line(self, text: str, *, size: float = _BODY, indent: float = 0.0) -> None:
        for part in _wrap(text, size, self.width - 2 * _MARGIN - indent):
            if self.y - _LEADING < self.bottom:
                self.end_page()
                self.y = self.height - _MARGIN
            self.canvas.setFont(FONT, size)
            self.canvas.drawString(_MARGIN + indent, self.y, part)
            self.y -= _LEADING * size / _BODY

    def centred(self, text: str, size: float) -> None:
        self.canvas.setFont(FONT, size)
        self.canvas.drawCentredString(self.width / 2, self.y, text)
        self.y -= _LEADING * size / _BODY + 6

    def gap(self, points: float = 8.0) -> None:
        self.y -= points

    def end_page(self) -> None:
        self.footer()
        self.canvas.showPage()


def _draw_qr(canvas: Canvas, data: str, x: float, y: float) -> None:
    """The QR code drawn as squares, so it stays sharp at any zoom and needs no image library."""
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix)
    cell = _QR_SIZE / len(matrix)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                top = y + _QR_SIZE - (row + 1) * cell
                canvas.rect(x + col * cell, top, cell, cell, stroke=0, fill=1)


def render_pdf(document: VerifiableDocument, *, verify_url: str) -> bytes:
    """The document as a PDF: its content, then on every page's foot the QR code to
    `verify_url`, the short code, the content hash, the issue time and the validity."""
    content = DocumentContent.from_json(document.content)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(content.title)
    canvas.setAuthor(content.issuer)
    issued = timezone.localtime(document.issued_at).strftime("%Y-%m-%d %H:%M")
    footer_lines = [
        _("Verification code: %(code)s") % {"code": document.code},
        _("Verify at: %(url)s") % {"url": verify_url},
        _("Issued at: %(time)s; valid until: %(date)s")
        % {"time": issued, "date": document.valid_until.isoformat()},
        _("Content hash (SHA-256):"),
        document.content_hash,
    ]

    def footer() -> None:
        # On every page: each printed page can be checked on its own.
        _draw_qr(canvas, verify_url, A4[0] - _MARGIN - _QR_SIZE, _MARGIN)
        canvas.setFont(FONT, 8.5)
        y = _MARGIN + _QR_SIZE - 10
        for text in footer_lines:
            canvas.drawString(_MARGIN, y, text)
            y -= 13

    writer = _Writer(canvas, footer, footer_height=_QR_SIZE + 16)
    writer.centred(content.title, 18)
    writer.centred(content.issuer, 11)
    writer.gap()
    for label, value in content.subject:
        writer.line(f"{label}：{value}")
    for section in content.sections:
        writer.gap()
        writer.line(section.heading, size=12)
        for text in section.lines:
            writer.line(text, indent=14)
    writer.gap()
    for note in content.notes:
        writer.line(note, size=9)
    writer.end_page()
    canvas.save()
    return buffer.getvalue()
