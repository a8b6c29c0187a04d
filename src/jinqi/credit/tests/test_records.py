"""Records arrive with their dates, tell the enterprise, publish facts and come down on time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation

from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.models import WorkflowStep
from jinqi.credit.enums import RecordStatus
from jinqi.credit.models import CreditRecord
from jinqi.credit.services import credit_record_receive, credit_records_take_down
from jinqi.credit.tests.factories import owner_of, record, record_in, staff_department
from jinqi.notifications.models import Notification
from jinqi.registry.selectors import profile_dict
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)):
        yield


def test_a_record_arrives_with_its_dates_facts_provenance_and_notice() -> None:
    """Decided 2026-03-10, general, fulfilled: repair from 2026-06-11, down 2027-03-11; the
    enterprise is told the day and what it needs; the profile says so; a delivery is its source."""
    firm = enterprise()
    owner = owner_of(firm)
    item = record(firm, kind="penalty", severity="general", fulfilled_on=dt.date(2026, 4, 1))
    assert item.repairable_from == dt.date(2026, 6, 11)
    assert item.takedown_on == dt.date(2027, 3, 11)
    assert item.rule_version == "gbf-2025-22"
    assert "22号" in item.period_basis
    assert item.delivery is not None and item.delivery.source == item.department
    notice = Notification.objects.get(recipient=owner, kind="credit.record_arrived")
    assert "2026-06-11" in notice.body and "信用承诺书" in notice.body
    assert item.notice_sent_at is not None
    assert profile_dict(firm)["in_serious_dishonesty_list"] is False


def test_a_serious_dishonesty_record_sets_the_profile_fact() -> None:
    """A serious-dishonesty record makes the profile say so, as an ordinary fact."""
    firm = enterprise()
    record(firm)
    assert profile_dict(firm)["in_serious_dishonesty_list"] is True


def test_an_older_decision_keeps_its_rule_version() -> None:
    """Decided before 2025-06-22, a serious record keeps 527号's six-month minimum."""
    firm = enterprise()
    item = record(firm, decided_on=dt.date(2025, 1, 31))
    assert item.rule_version == "fgw-2019-527"
    assert item.repairable_from == dt.date(2025, 8, 1)


def test_the_same_decision_twice_is_stored_once() -> None:
    """Delivered again, the decision changes nothing but a newly given fulfilment date."""
    firm = enterprise()
    staff = department_user("market-regulation")
    data = record_in(decision_number="金市监处〔2026〕99号")
    first, created = credit_record_receive(
        enterprise=firm, data=data, department=staff_department(staff), acting_user=staff
    )
    again, created_again = credit_record_receive(
        enterprise=firm, data=data, department=staff_department(staff), acting_user=staff
    )
    assert created and not created_again and first.pk == again.pk
    assert CreditRecord.objects.filter(decision_number="金市监处〔2026〕99号").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"decided_on": dt.date(2026, 12, 8)}, "future"),
        ({"fulfilled_on": dt.date(2026, 3, 9)}, "before the decision"),
        ({"severity": "grave"}, "Unknown"),
        ({"decision_number": "  "}, "decision number"),
        ({"min_months": 3}, "both periods"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_stored(change: dict, message: str) -> None:
    """Bad input: a clear message, and no record, fact or notice."""
    firm = enterprise()
    staff = department_user("market-regulation")
    with translation.override("en"), pytest.raises(DomainError, match=message):
        credit_record_receive(
            enterprise=firm,
            data=record_in(**change),
            department=staff_department(staff),
            acting_user=staff,
        )
    assert not CreditRecord.objects.filter(enterprise=firm).exists()
    assert profile_dict(firm)["in_serious_dishonesty_list"] is None


def test_the_daily_job_takes_a_record_down_at_its_maximum_period() -> None:
    """On the first day after the maximum period the record comes down and the fact follows."""
    firm = enterprise()
    item = record(firm, severity="general", decided_on=dt.date(2026, 1, 31))
    assert item.takedown_on == dt.date(2027, 2, 1)
    assert credit_records_take_down(today=dt.date(2027, 1, 31)) == 0
    assert CreditRecord.objects.get(pk=item.pk).status == RecordStatus.PUBLISHED
    with clock.frozen_at(dt.datetime(2027, 2, 1, 0, 20, tzinfo=dt.UTC)):
        assert credit_records_take_down() == 1
    item.refresh_from_db()
    assert item.status == RecordStatus.TAKEN_DOWN and item.taken_down_at is not None
    assert profile_dict(firm)["in_serious_dishonesty_list"] is False
    assert WorkflowStep.objects.filter(workflow="credit.creditrecord", object_id=item.pk).exists()
    assert credit_records_take_down() == 0


def test_a_record_past_its_maximum_arrives_taken_down() -> None:
    """A record delivered after its maximum period is stored taken down and told to no one."""
    firm = enterprise()
    owner = owner_of(firm)
    item = record(firm, severity="minor", kind="penalty", decided_on=dt.date(2026, 1, 5))
    assert item.status == RecordStatus.TAKEN_DOWN
    assert not Notification.objects.filter(recipient=owner).exists()
