"""The special credit report (专用信用报告, measure 45) instead of compliance certificates: the
enterprise chooses a period of at most five years and the domains; the report lists, per domain,
无违法违规记录 or the records (repaired ones labelled 已修复). It is a verifiable document
(core.documents, ADR 0014), revoked as soon as a record in its period and domains is added,
changed, repaired or taken down."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.documents import (
    DocumentContent,
    Section,
    document_issue,
    documents_revoke,
    register_freshness_check,
)
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import VerifiableDocument
from jinqi.credit.enums import CreditDomain, RecordStatus
from jinqi.credit.models import CreditRecord, CreditReport
from jinqi.credit.repair_permissions import is_own_enterprise
from jinqi.registry.models import Enterprise

KIND = "credit.report"
MAX_YEARS = 5
VALID_DAYS = 30  # how long a report is valid after issue (the asking unit may ask for a newer one)
# What a report lists: records that count or were repaired; masked (reorganisation) and taken
# down records are not listed, but their changes revoke the report all the same.
LISTED = (RecordStatus.PUBLISHED, RecordStatus.REPAIRED)


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for a 29 February without one)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def earliest_start(period_end: dt.date) -> dt.date:
    """The first day of the longest period a report may cover, ending on `period_end`."""
    return _years_before(period_end, MAX_YEARS) + dt.timedelta(days=1)


def period_refusal(period_start: dt.date, period_end: dt.date, today: dt.date) -> str | None:
    if period_start > period_end:
        return _("The period must start before it ends.")
    if period_end > today:
        return _("The period cannot end after today.")
    if period_start < earliest_start(period_end):
        return _("A report covers at most %(years)s years.") % {"years": MAX_YEARS}
    return None


def _records_in_scope(
    enterprise: Enterprise, start: dt.date, end: dt.date, domains: Iterable[str]
) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(
        enterprise=enterprise, decided_on__range=(start, end), domain__in=list(domains)
    ).select_related("department")


# What of a record a report rests on: a change to any of these revokes the reports that cover it.
_FINGERPRINTED = (
    "pk",
    "status",
    "kind",
    "severity",
    "domain",
    "decision_number",
    "decided_on",
    "department_id",
    "summary",
    "repaired_on",
    "lock_version",
    "updated_at",
)


def _fingerprint(records: QuerySet[CreditRecord]) -> str:
    """Every record in the report's scope, as it is now."""
    state = [list(row) for row in records.order_by("pk").values_list(*_FINGERPRINTED)]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def _record_line(record: CreditRecord) -> str:
    line = _("%(date)s %(kind)s (%(severity)s) %(number)s, %(department)s: %(summary)s") % {
        "date": record.decided_on.isoformat(),
        "kind": record.get_kind_display(),
        "severity": record.get_severity_display(),
        "number": record.decision_number,
        "department": record.department.name,
        "summary": record.summary,
    }
    if record.status == RecordStatus.REPAIRED:
        return _("[Repaired] %(line)s") % {"line": line}
    return line


def _content(
    enterprise: Enterprise,
    start: dt.date,
    end: dt.date,
    domains: Sequence[str],
    records: QuerySet[CreditRecord],
) -> DocumentContent:
    listed = [r for r in records if r.status in LISTED]
    labels = dict(CreditDomain.choices)
    sections = []
    for domain in domains:
        lines = [_record_line(r) for r in listed if r.domain == domain]
        sections.append(
            Section(str(labels[domain]), lines or [_("No record of violations (无违法违规记录)")])
        )
    return DocumentContent(
        title=_("Special credit report (专用信用报告)"),
        issuer=_("Jinshan District business environment platform"),
        subject=[
            (_("Enterprise"), enterprise.name),
            (_("Unified social credit code"), enterprise.uscc),
            (_("Report period"), _("%(start)s to %(end)s") % {"start": start, "end": end}),
            (_("Domains"), "、".join(str(labels[d]) for d in domains)),
        ],
        sections=sections,
        notes=[
            _(
                "This report is the Jinshan District platform's own evidence, made from the "
                "credit records the platform holds. It is not the official special credit report "
                "of the Shanghai municipal public credit information service."
            ),
            _(
                "If a record in this period and these domains is added, changed, repaired or "
                "taken down, this report is revoked: check it on the verification page."
            ),
        ],
    )


def credit_report_issue(
    *,
    enterprise: Enterprise,
    period_start: dt.date,
    period_end: dt.date,
    domains: Sequence[str],
    acting_user: User,
) -> CreditReport:
    """Issue a verifiable report of the enterprise's records; refused, with nothing stored, for a
    period over five years, ending in the future, or no known domain."""
    if not is_own_enterprise(acting_user, enterprise.uscc):
        raise PermissionDenied(_("Only the enterprise itself can do this."))
    today = clock.today()
    refusal = period_refusal(period_start, period_end, today)
    if refusal:
        raise DomainError(refusal)
    chosen = [d for d in CreditDomain.values if d in set(domains)]
    if not chosen or len(chosen) != len(set(domains)):
        raise DomainError(_("Choose one or more of the listed domains."))
    records = _records_in_scope(enterprise, period_start, period_end, chosen)
    with transaction.atomic(), translation.override("zh-hans"):
        document = document_issue(
            kind=KIND,
            content=_content(enterprise, period_start, period_end, chosen, records),
            valid_until=today + dt.timedelta(days=VALID_DAYS),
            acting_user=acting_user,
        )
        report = CreditReport.objects.create(
            enterprise=enterprise,
            period_start=period_start,
            period_end=period_end,
            domains=chosen,
            content={"fingerprint": _fingerprint(records)},
            content_hash=document.content_hash,
            short_code=document.code,
            issued_by=acting_user,
            issued_at=document.issued_at,
            valid_until=document.valid_until,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            target=report,
            after={"short_code": report.short_code, "content_hash": report.content_hash},
        )
    return report


def credit_reports_recheck(*, enterprise: Enterprise) -> int:
    """Revoke every report of the enterprise whose records changed since it was issued; returns
    how many. Called when a record changes, by the daily job, and before a report is shown."""
    revoked = 0
    with translation.override("zh-hans"):
        reason = _("A record in the report's period and domains has changed since it was issued.")
    for report in CreditReport.objects.filter(enterprise=enterprise, revoked_at__isnull=True):
        records = _records_in_scope(
            enterprise, report.period_start, report.period_end, report.domains
        )
        if _fingerprint(records) == report.content.get("fingerprint"):
            continue
        with transaction.atomic():
            now = clock.now()
            CreditReport.objects.filter(pk=report.pk).update(revoked_at=now, revoked_reason=reason)
            documents_revoke(
                documents=VerifiableDocument.objects.filter(code=report.short_code), reason=reason
            )
            audit_record(
                actor=None,
                action=AuditAction.TRANSITION,
                target=report,
                after={"revoked_at": now.isoformat()},
                note=reason,
            )
        revoked += 1
    return revoked


def report_recheck(document: VerifiableDocument) -> None:
    report = CreditReport.objects.filter(short_code=document.code).first()
    if report is not None and report.revoked_at is None:
        credit_reports_recheck(enterprise=report.enterprise)


def register() -> None:
    register_freshness_check(KIND, report_recheck)


def reports_of(user: User) -> QuerySet[CreditReport]:
    uscc = getattr(user, "enterprise_uscc", "")
    if not uscc or not is_own_enterprise(user, uscc):
        return CreditReport.objects.none()
    return CreditReport.objects.filter(enterprise__uscc=uscc)


def report_of(user: User, pk: int) -> CreditReport:
    report = reports_of(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
