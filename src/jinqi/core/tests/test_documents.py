"""Verifiable documents: issue, hash, short code, public page, PDF with Chinese text, revocation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.core.documents import (
    DocumentContent,
    Section,
    document_by_code,
    document_issue,
    document_status,
    documents_revoke,
    hash_matches,
)
from jinqi.core.errors import DomainError
from jinqi.core.models import VerifiableDocument
from jinqi.core.pdf import render_pdf

pytestmark = pytest.mark.django_db

CONTENT = DocumentContent(
    title="专用信用报告",
    issuer="金山区营商环境平台",
    subject=[("企业名称", "上海金企测试有限公司"), ("统一社会信用代码", "91310116MA1JL0TT5P")],
    sections=[Section("市场监管", ["无违法违规记录"]), Section("税务", ["一条记录" * 40])],
    notes=["本报告为金山区平台出具的区级证明材料，不是上海市官方专用信用报告。"],
)


def issue(valid_days: int = 30) -> VerifiableDocument:
    return document_issue(
        kind="test",
        content=CONTENT,
        valid_until=clock.today() + dt.timedelta(days=valid_days),
        acting_user=UserFactory(),
    )


def test_issue_fixes_hash_and_code():
    """An issued document has a 10-character code and a hash its stored content reproduces,
    whatever the time zone it was issued in."""
    with clock.frozen_at(dt.datetime(2026, 7, 1, 10)):  # local time, read back as UTC
        document = issue()
    document.refresh_from_db()
    assert len(document.code) == 10
    assert hash_matches(document)
    assert document_by_code(document.code.lower()[:5] + "-" + document.code[5:]) == document
    document.content["subject"][0][1] = "另一家公司"
    assert not hash_matches(document)


def test_expiry_in_the_past_is_refused():
    """A document cannot be issued already expired, and nothing is stored."""
    with pytest.raises(DomainError, match="失效"):
        issue(valid_days=-1)
    assert not VerifiableDocument.objects.exists()


def test_pdf_text_is_extractable_chinese():
    """The PDF carries the Chinese text, the code and the hash, readable by text extraction."""
    document = issue()
    pdf = render_pdf(document, verify_url=f"https://example.test/verify/{document.code}/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("专用信用报告", "上海金企测试有限公司", "无违法违规记录", "不是上海市官方"):
        assert expected in text
    assert document.code in text and document.content_hash in text


def test_public_page_shows_validity_then_revocation():
    """Anyone with the code sees the document valid; after revocation the page says so."""
    document = issue()
    client = Client()
    page = client.get(reverse("verify:document", kwargs={"code": document.code}))
    assert page.status_code == 200
    assert 'data-status="valid"' in page.text and document.content_hash in page.text
    assert (
        documents_revoke(
            documents=VerifiableDocument.objects.filter(pk=document.pk), reason="记录已变更"
        )
        == 1
    )
    page = client.get(reverse("verify:document", kwargs={"code": document.code}))
    assert 'data-status="revoked"' in page.text and "记录已变更" in page.text
    document.refresh_from_db()
    assert document_status(document) == "revoked"


def test_lookup_by_code_and_unknown_code():
    """The lookup form leads to the document; an unknown code gets a Chinese message."""
    document = issue()
    client = Client()
    found = client.get(reverse("verify:lookup"), {"code": document.code})
    assert found.status_code == 302
    missing = client.get(reverse("verify:lookup"), {"code": "ZZZZZZZZZZ"})
    assert missing.status_code == 200 and "验证码" in missing.text
    assert client.get(reverse("verify:document", kwargs={"code": "nope"})).status_code == 404
    pdf = client.get(reverse("verify:pdf", kwargs={"code": document.code}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
