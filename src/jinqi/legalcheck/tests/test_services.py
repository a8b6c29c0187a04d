"""The legal check from request to return visit: prefilled and cited answers, grades and
advice, rectification deadlines in working days, the signed report, the one open check."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import CalendarOverride
from jinqi.credit.enums import RecordKind, Severity
from jinqi.credit.tests import repair_builders as credit
from jinqi.legalcheck import services
from jinqi.legalcheck.enums import CheckState, Grade, Prefill
from jinqi.legalcheck.models import ChecklistItem, Finding, LegalCheck
from jinqi.legalcheck.services import Answer, ItemData, VisitResult
from jinqi.legalcheck.tests import factories as f
from jinqi.registry.tests.factories import facts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(f.TODAY):
        yield


def _finding(check: LegalCheck, prefill: str) -> Finding:
    return check.findings.get(item__prefill=prefill)


def test_seeded_checklist_has_the_plans_nine_sections():
    """The migration seeds the design proposal: items in each of the nine sections, four of
    them prefilled by the platform."""
    sections = set(ChecklistItem.objects.values_list("section", flat=True))
    assert len(sections) == 9
    assert set(ChecklistItem.objects.exclude(prefill="").values_list("prefill", flat=True)) == {
        p for p in Prefill.values if p
    }


def test_one_open_check_per_enterprise():
    """Asking while a check is open is refused with a sentence; after withdrawing, one may ask
    again."""
    firm = f.firm()
    user = f.owner(firm)
    check = f.requested(firm, user)
    with pytest.raises(DomainError, match="已有正在进行"):
        f.requested(firm, user)
    services.legal_check_withdraw(check=check, lock_version=check.lock_version, acting_user=user)
    assert f.requested(firm, user).state == CheckState.REQUESTED


def test_only_the_enterprise_itself_asks():
    """Another enterprise's user cannot ask on its behalf, and nothing is stored."""
    with pytest.raises(PermissionDenied):
        services.legal_check_request(
            enterprise=f.firm(), topics="", acting_user=f.owner(f.firm("另一家公司"))
        )
    assert not LegalCheck.objects.exists()


def test_accepting_prefills_known_items_with_source_and_date():
    """Taking a check writes what the platform knows: the penalty with its repair day (amber),
    not on the abnormal or serious lists (green), the tax credit level with its source."""
    firm = f.firm()
    record = credit.record(firm)  # general, fulfilled, repairable from 2026-06-11
    facts(firm, "tax-jinshan", dt.date(2026, 4, 30), tax_credit_level="C")
    check = f.accepted(firm, f.justice_staff())
    penalty = _finding(check, Prefill.PENALTIES)
    assert penalty.grade == Grade.AMBER and penalty.prefilled
    assert record.decision_number in penalty.observation
    assert penalty.source == "区市场监管局" or "市场监管" in penalty.source
    assert penalty.as_of == clock.today() and penalty.advice
    assert _finding(check, Prefill.ABNORMAL_LIST).grade == Grade.GREEN
    assert _finding(check, Prefill.SERIOUS_DISHONESTY).grade == Grade.GREEN
    tax = _finding(check, Prefill.TAX_CREDIT)
    assert tax.grade == Grade.AMBER and "C" in tax.observation
    assert tax.source == "金山税务局" and tax.as_of == dt.date(2026, 4, 30)
    assert check.provider_name == "区司法局"


def test_serious_dishonesty_and_unfulfilled_penalty_are_red():
    """On the serious-dishonesty list, or a penalty whose obligation is unfulfilled: red."""
    firm = f.firm()
    listed = credit.record(firm, severity=Severity.SERIOUS)
    listed.kind = RecordKind.SERIOUS_DISHONESTY
    listed.save()
    credit.record(firm, fulfilled=False)
    check = f.accepted(firm, f.justice_staff())
    assert _finding(check, Prefill.SERIOUS_DISHONESTY).grade == Grade.RED
    assert _finding(check, Prefill.PENALTIES).grade == Grade.RED


def test_unknown_tax_level_is_left_to_the_visit():
    """Without a tax credit level in the profile the item is not prefilled."""
    check = f.accepted(f.firm(), f.justice_staff())
    assert not check.findings.filter(item__prefill=Prefill.TAX_CREDIT).exists()


def test_only_the_justice_bureau_takes_checks():
    """Staff of another department cannot take a check."""
    from jinqi.accounts.tests.factories import department_user

    check = f.requested(f.firm())
    with pytest.raises(DomainError):
        services.legal_check_accept(
            check=check, lock_version=check.lock_version, acting_user=department_user()
        )
    check.refresh_from_db()
    assert check.state == CheckState.REQUESTED


def test_a_risk_needs_advice_and_nothing_is_saved():
    """An amber answer without advice is refused, and no answer of the batch is stored."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    before = check.findings.count()
    items = list(ChecklistItem.objects.filter(prefill="")[:2])
    with pytest.raises(DomainError, match="提出建议"):
        services.findings_save(
            check=check,
            answers={
                items[0].pk: Answer(Grade.GREEN, "有"),
                items[1].pk: Answer(Grade.AMBER, "没有合同台账"),
            },
            acting_user=provider,
        )
    assert check.findings.count() == before


def test_changing_a_prefilled_answer_drops_its_citation():
    """The provider may correct what the platform prefilled; it is then the provider's."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    finding = _finding(check, Prefill.ABNORMAL_LIST)
    services.findings_save(
        check=check,
        answers={finding.item_id: Answer(Grade.AMBER, "地址变更未登记", "办理变更登记")},
        acting_user=provider,
    )
    finding.refresh_from_db()
    assert not finding.prefilled and finding.source == ""


def test_report_needs_every_item_answered():
    """The report is refused while an item is unanswered."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    check.refresh_from_db()
    with pytest.raises(DomainError, match="未作答"):
        services.legal_check_report(
            check=check, lock_version=check.lock_version, acting_user=provider
        )


def test_rectification_deadline_counts_working_days_with_tiaoxiu():
    """Ten working days from Wednesday 2026-07-01 is 2026-07-15; a day the lead office marks as
    a holiday pushes it one day on."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    finding = f.amber_labour(check, provider)
    first = services.rectification_add(
        check=check, finding=finding, action="补签合同", working_days=10, acting_user=provider
    )
    assert first.due_on == dt.date(2026, 7, 15)
    CalendarOverride.objects.create(day=dt.date(2026, 7, 8), is_working_day=False, note="测试")
    second = services.rectification_add(
        check=check, finding=finding, action="建立台账", working_days=10, acting_user=provider
    )
    assert second.due_on == dt.date(2026, 7, 16)


def test_rectification_only_for_a_risk():
    """A green finding cannot be given a rectification item."""
    provider = f.justice_staff()
    check = f.accepted(f.firm(), provider)
    green = _finding(check, Prefill.ABNORMAL_LIST)
    with pytest.raises(DomainError):
        services.rectification_add(
            check=check, finding=green, action="无", working_days=5, acting_user=provider
        )


def test_return_visit_records_every_item_and_closes():
    """The return visit must say done or not for each item; then the check is closed."""
    provider = f.justice_staff()
    check = f.reported(f.firm(), provider)
    with pytest.raises(DomainError):
        services.return_visit(
            check=check,
            lock_version=check.lock_version,
            results={},
            note="回访",
            acting_user=provider,
        )
    [item] = check.rectifications.all()
    services.return_visit(
        check=check,
        lock_version=check.lock_version,
        results={item.pk: VisitResult("not_done", "仍有1人未签")},
        note="回访：部分整改。",
        acting_user=provider,
    )
    check.refresh_from_db()
    item.refresh_from_db()
    assert check.state == CheckState.CLOSED and check.visit_note == "回访：部分整改。"
    assert item.result == "not_done" and item.checked_on == clock.today()


def test_another_justice_department_cannot_act_on_a_taken_check():
    """Once taken, the check is the provider's: a non-provider gets refused."""
    from jinqi.accounts.tests.factories import department_user

    check = f.accepted(f.firm(), f.justice_staff())
    with pytest.raises(PermissionDenied):
        services.findings_save(check=check, answers={}, acting_user=department_user())


def test_checklist_is_edited_by_the_justice_bureau_only():
    """The 区司法局 adds and retires items; another department is refused."""
    from jinqi.accounts.tests.factories import department_user

    data = ItemData(section="contracts", number=9, question="是否使用电子签章")
    with pytest.raises(PermissionDenied):
        services.checklist_item_save(item=None, data=data, acting_user=department_user())
    item = services.checklist_item_save(item=None, data=data, acting_user=f.justice_staff())
    assert item.pk and item.active
    with pytest.raises(DomainError):
        services.checklist_item_save(item=None, data=data, acting_user=f.justice_staff())


def test_an_admitted_law_firm_takes_and_keeps_a_check():
    """A member of an admitted law firm takes a check; the report names the firm, 司法所 staff
    cannot act on it, and a member of another firm does not see it."""
    from jinqi.providers.tests.factories import admitted_provider

    firm_provider, lawyer = admitted_provider()
    check = f.accepted(f.firm(), lawyer)
    assert check.provider_organisation == firm_provider
    assert check.provider_department is None and check.provider_name == firm_provider.name
    with pytest.raises(PermissionDenied):
        services.findings_save(check=check, answers={}, acting_user=f.justice_staff())
    _other, other_lawyer = admitted_provider()
    from jinqi.legalcheck.selectors import provider_checks

    assert check not in provider_checks(other_lawyer)
    assert check in provider_checks(lawyer)


def test_other_kinds_of_provider_do_not_check():
    """An admitted accounting firm is not a legal-check provider."""
    from jinqi.providers.enums import ProviderCategory
    from jinqi.providers.tests.factories import admitted_provider

    _provider, accountant = admitted_provider(category=ProviderCategory.ACCOUNTING_FIRM)
    check = f.requested(f.firm())
    with pytest.raises(DomainError):
        services.legal_check_accept(
            check=check, lock_version=check.lock_version, acting_user=accountant
        )
