"""The report a person prints and signs: a verifiable PDF whose text names the enterprise, each
section's graded risks with advice and citations, the rectification deadlines and the lines to
sign, and says the checklist is the district's."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from jinqi.core import clock
from jinqi.core.documents import hash_matches
from jinqi.credit.tests import repair_builders as credit
from jinqi.legalcheck.selectors import report_document
from jinqi.legalcheck.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(f.TODAY):
        yield


def pdf_text(code: str) -> str:
    response = Client().get(reverse("verify:pdf", kwargs={"code": code}))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Lines wrap at the page width: read the text as one run.
    return "".join(p.extract_text() for p in pages).replace("\n", "")


def test_report_pdf_text():
    """The PDF holds the enterprise, the graded findings, the cited penalty, the rectification
    with its due date, the signature lines and the district's disclaimer, with its code and
    hash on the page."""
    firm = f.firm()
    record = credit.record(firm)
    check = f.reported(firm, f.justice_staff())
    document = report_document(check)
    assert document is not None and hash_matches(document)
    text = pdf_text(check.report_code)
    for expected in (
        f.FIRM,
        firm.uscc,
        "区司法局",
        "法律风险评估报告",
        "【黄】是否自用工之日起一个月内订立书面劳动合同",
        "一个月内补签",
        record.decision_number,
        "与3名员工补签书面劳动合同",
        "2026-07-15",
        "签字",
        "不是国家标准",
        "劳动人事",
        "经营异常信息",
        check.report_code,
        document.content_hash,
    ):
        assert expected in text, expected
