"""The special credit report: its content and PDF, its limits, and its revocation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import VerifiableDocument
from jinqi.credit import reports, services
from jinqi.credit.enums import CreditDomain, RecordStatus
from jinqi.credit.models import CreditRecord, CreditReport
from jinqi.credit.tests import repair_builders as b

pytestmark = pytest.mark.django_db

START, END = dt.date(2021, 7, 2), dt.date(2026, 7, 1)  # five years exactly


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(b.TODAY):
        yield


def issue(firm, user=None, start=START, end=END, domains=(CreditDomain.MARKET, CreditDomain.TAX)):
    return reports.credit_report_issue(
        enterprise=firm,
        period_start=start,
        period_end=end,
        domains=list(domains),
        acting_user=user or b.owner(firm),
    )


def pdf_text(report: CreditReport) -> str:
    response = Client().get(reverse("verify:pdf", kwargs={"code": report.short_code}))
    assert response["Content-Type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_pdf_lists_records_per_domain_with_repaired_label():
    """The PDF names the company, its code, the period, each domain's records (已修复 marked)
    or 无违法违规记录, and says it is the district's report, not the city's."""
    firm = b.firm()
    repaired = b.record(firm)
    services.credit_record_repaired(
        record=repaired, repaired_on=clock.today(), acting_user=b.staff()
    )
    published = b.record(firm, decided_on=dt.date(2026, 5, 6), severity="serious")
    report = issue(firm)
    text = pdf_text(report)
    for expected in (
        b.FIRM,
        firm.uscc,
        "2021-07-02",
        "2026-07-01",
        repaired.decision_number,
        published.decision_number,
        "已修复",
        "无违法违规记录",
        "不是上海市",
    ):
        assert expected in text, expected
    assert report.short_code in text and report.content_hash in text


def test_limits_are_refused_and_nothing_is_issued():
    """Over five years, ending tomorrow, no domain, or someone else's enterprise: refused."""
    firm = b.firm()
    user = b.owner(firm)
    with pytest.raises(DomainError, match="5"):
        issue(firm, user, start=START - dt.timedelta(days=1))
    with pytest.raises(DomainError):
        issue(firm, user, end=END + dt.timedelta(days=1))
    with pytest.raises(DomainError):
        issue(firm, user, domains=["nonsense"])
    with pytest.raises(PermissionDenied):
        issue(firm, b.owner(b.firm("上海别家有限公司")))
    assert not CreditReport.objects.exists() and not VerifiableDocument.objects.exists()


@pytest.mark.parametrize("change", ["added", "changed", "repaired", "taken_down", "outside"])
def test_a_record_change_in_scope_revokes(change):
    """Any record added, changed, repaired or taken down in the report's period and domains
    revokes it, and the verification page says so; a record outside the scope does not."""
    firm = b.firm()
    record = b.record(firm)
    report = issue(firm)
    if change == "added":
        b.record(firm, decided_on=dt.date(2026, 6, 1))
    elif change == "changed":
        CreditRecord.objects.filter(pk=record.pk).update(summary="更正", updated_at=clock.now())
    elif change == "repaired":
        services.credit_record_repaired(
            record=record, repaired_on=clock.today(), acting_user=b.staff()
        )
    elif change == "taken_down":
        CreditRecord.objects.filter(pk=record.pk).update(status=RecordStatus.TAKEN_DOWN)
    else:
        b.record(firm, domain=CreditDomain.ENVIRONMENT, department="water")
    page = Client().get(reverse("verify:document", kwargs={"code": report.short_code}))
    report.refresh_from_db()
    if change == "outside":
        assert report.revoked_at is None and 'data-status="valid"' in page.text
    else:
        assert report.revoked_at is not None and 'data-status="revoked"' in page.text
        assert "已撤销" in page.text or "撤销" in page.text
