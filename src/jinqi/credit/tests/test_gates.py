"""Credit gates stop a 免申即享 payment and a grant approval; a reorganisation lifts them and its
completion restores the assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.applications.services import application_accept, application_review_pass
from jinqi.applications.tests import factories as application_factories
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.credit.enums import RecordStatus
from jinqi.credit.models import CreditRecord, GateEvent
from jinqi.credit.services import reorganisation_close, reorganisation_register
from jinqi.credit.tests.factories import owner_of, record
from jinqi.policies.enums import GrantState
from jinqi.policies.models import Grant
from jinqi.policies.services import auto_grant_list_confirm, grant_disburse, policy_publish
from jinqi.policies.tests.factories import employer, policy
from jinqi.registry.selectors import profile_dict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)):
        yield


def _granted() -> Grant:
    staff = department_user("human-resources")
    firm = employer(9)
    item = policy(staff)
    policy_publish(policy=item, acting_user=staff)
    auto_grant_list_confirm(policy=item, acting_user=staff)
    grant = Grant.objects.get(policy=item, enterprise=firm)
    assert grant.state == GrantState.GRANTED
    return grant


def test_a_gate_blocks_an_auto_grant_payment_and_shows_the_record() -> None:
    """On the serious-dishonesty list, the payment is refused naming the record; the gate is
    logged with it and both the department and the enterprise see it."""
    grant = _granted()
    staff = department_user("human-resources")
    owner = owner_of(grant.enterprise)
    blocking = record(grant.enterprise, decision_number="金市监列严〔2026〕7号")
    with translation.override("en"), pytest.raises(DomainError, match="金市监列严〔2026〕7号"):
        grant_disburse(grant=grant, acting_user=staff)
    assert Grant.objects.get(pk=grant.pk).state == GrantState.GRANTED
    event = GateEvent.objects.get(enterprise=grant.enterprise)
    assert event.record == blocking and event.action == "payment"
    assert event.subject == f"policies.grant:{grant.pk}"
    department_page = Client()
    department_page.force_login(staff)
    assert "金市监列严〔2026〕7号" in department_page.get(reverse("credit:department")).text
    enterprise_page = Client()
    enterprise_page.force_login(owner)
    assert "金市监列严〔2026〕7号" in enterprise_page.get(reverse("credit:mine")).text


def test_a_general_record_does_not_stop_the_payment() -> None:
    """Only the serious-dishonesty list holds the payment: a general penalty does not."""
    grant = _granted()
    record(grant.enterprise, kind="penalty", severity="general")
    paid = grant_disburse(grant=grant, acting_user=department_user("human-resources"))
    assert paid.state == GrantState.DISBURSED
    assert not GateEvent.objects.exists()


def test_a_reorganisation_masks_records_lifts_the_gate_and_completion_restores_it() -> None:
    """A ruling on file masks the record and the payment goes through; when the plan is
    performed the record is published again and the gate holds again."""
    grant = _granted()
    staff = department_user("human-resources")
    blocking = record(grant.enterprise)
    lead = cast(User, UserFactory())
    reorganisation = reorganisation_register(
        enterprise=grant.enterprise,
        kind="reorganisation",
        court="上海市第三中级人民法院",
        ruling_number="（2026）沪03破12号之一",
        ruled_on=dt.date(2026, 11, 2),
        ruling=None,
        acting_user=lead,
    )
    blocking.refresh_from_db()
    assert blocking.status == RecordStatus.MASKED and blocking.masked_by == reorganisation
    assert profile_dict(grant.enterprise)["in_serious_dishonesty_list"] is False
    later = record(grant.enterprise)  # arriving during the reorganisation: masked at once
    assert later.status == RecordStatus.MASKED
    reorganisation_close(
        reorganisation=reorganisation,
        action="complete",
        lock_version=reorganisation.lock_version,
        acting_user=lead,
        closed_on=dt.date(2026, 12, 1),
    )
    assert set(
        CreditRecord.objects.filter(enterprise=grant.enterprise).values_list("status", flat=True)
    ) == {RecordStatus.PUBLISHED}
    assert profile_dict(grant.enterprise)["in_serious_dishonesty_list"] is True
    with pytest.raises(DomainError):
        grant_disburse(grant=grant, acting_user=staff)
    assert GateEvent.objects.filter(enterprise=grant.enterprise).count() == 1


def test_a_payment_during_reorganisation_goes_through() -> None:
    """While the ruling is in force the gate does not stop the payment."""
    grant = _granted()
    record(grant.enterprise)
    lead = cast(User, UserFactory())
    reorganisation_register(
        enterprise=grant.enterprise,
        kind="settlement",
        court="上海市金山区人民法院",
        ruling_number="（2026）沪0116破3号",
        ruled_on=dt.date(2026, 11, 2),
        ruling=None,
        acting_user=lead,
    )
    paid = grant_disburse(grant=grant, acting_user=department_user("human-resources"))
    assert paid.state == GrantState.DISBURSED


def test_a_second_ruling_for_the_same_enterprise_is_refused() -> None:
    """One reorganisation in force per enterprise: the second is refused, nothing changes."""
    grant = _granted()
    lead = cast(User, UserFactory())
    data: dict[str, Any] = {
        "enterprise": grant.enterprise,
        "kind": "reorganisation",
        "court": "上海市第三中级人民法院",
        "ruled_on": dt.date(2026, 11, 2),
        "ruling": None,
        "acting_user": lead,
    }
    reorganisation_register(ruling_number="A1", **data)
    with translation.override("en"), pytest.raises(DomainError, match="already on file"):
        reorganisation_register(ruling_number="A2", **data)


def test_a_gate_blocks_a_grant_approval_at_the_last_review_step() -> None:
    """The last review step cannot approve while the applicant is on the serious-dishonesty
    list; the earlier step passes; the gate is logged with the record."""
    owner = application_factories.staff()
    item = application_factories.applying_policy(owner, grant_amount="10")
    firm = application_factories.applicant_enterprise()
    application = application_factories.submitted(item, application_factories.applicant(firm))
    application = application_accept(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    application = application_review_pass(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    blocking = record(firm)
    with pytest.raises(DomainError, match=blocking.decision_number):
        application_review_pass(
            application=application,
            lock_version=application.lock_version,
            acting_user=cast(User, UserFactory(lead_office=True)),
        )
    application.refresh_from_db()
    assert application.state == "in_review"
    assert GateEvent.objects.get(enterprise=firm, action="approval").record == blocking
