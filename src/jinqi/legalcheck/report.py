"""The 《法律风险评估报告》 as a verifiable document (ADR 0014): the enterprise, the provider, each
section's findings with grade, advice and the source of what the platform prefilled, the
rectification items with their deadlines, and lines for the signatures a person adds on paper."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from jinqi.core.documents import DocumentContent, Section
from jinqi.legalcheck.enums import SECTION_ORDER, Grade
from jinqi.legalcheck.enums import Section as ChecklistSection
from jinqi.legalcheck.models import Finding, LegalCheck

KIND = "legalcheck.report"
VALID_DAYS = 365

GRADE_MARKS = {Grade.RED: "【红】", Grade.AMBER: "【黄】", Grade.GREEN: "【绿】"}


def finding_line(finding: Finding) -> str:
    line = f"{GRADE_MARKS[Grade(finding.grade)]}{finding.item.question}：{finding.observation}"
    if finding.advice:
        line += _(" Advice: %(advice)s") % {"advice": finding.advice}
    if finding.prefilled:
        line += _(" (Source: %(source)s, as of %(date)s)") % {
            "source": finding.source,
            "date": finding.as_of.isoformat() if finding.as_of else "—",
        }
    return line


def report_content(check: LegalCheck, today: dt.date) -> DocumentContent:
    findings = list(check.findings.select_related("item"))
    by_section: dict[str, list[Finding]] = {}
    for finding in findings:
        by_section.setdefault(finding.item.section, []).append(finding)
    counts = {grade: sum(f.grade == grade for f in findings) for grade in Grade.values}
    sections = [
        Section(
            _("Summary"),
            [
                _("%(red)s red (major and urgent), %(amber)s amber, %(green)s green.")
                % {"red": counts["red"], "amber": counts["amber"], "green": counts["green"]}
            ],
        )
    ]
    for value in sorted(by_section, key=SECTION_ORDER.__getitem__):
        sections.append(
            Section(
                str(ChecklistSection(value).label),
                [finding_line(f) for f in by_section[value]],
            )
        )
    rectifications = [
        _("%(action)s (item: %(item)s) — within %(days)s working days, by %(date)s")
        % {
            "action": r.action,
            "item": r.finding.item.question,
            "days": r.working_days,
            "date": r.due_on.isoformat(),
        }
        for r in check.rectifications.select_related("finding__item")
    ]
    sections.append(Section(_("Rectification items"), rectifications or [_("None agreed.")]))
    sections.append(
        Section(
            _("Signatures"),
            [
                _(
                    "Responsible person of the enterprise (signature): ______________  "
                    "Date: ________"
                ),
                _("Checked by (signature): ______________  Date: ________"),
                _("Seal of the provider:"),
            ],
        )
    )
    return DocumentContent(
        title=_("Enterprise legal health check report (法律风险评估报告)"),
        issuer=check.provider_name,
        subject=[
            (_("Enterprise"), check.enterprise.name),
            (_("Unified social credit code"), check.enterprise.uscc),
            (_("Checked by"), check.provider_name),
            (_("Date of the report"), today.isoformat()),
        ],
        sections=sections,
        notes=[
            _(
                "The checklist is the Jinshan District Bureau of Justice's own, not a national "
                "standard. Red marks a risk that is major and urgent."
            ),
            _(
                "The rectification items are followed on the platform until the return visit; "
                "deadlines count working days."
            ),
        ],
    )
