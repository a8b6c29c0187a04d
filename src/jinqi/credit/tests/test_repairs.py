"""Credit repair: what is asked, the application, the department's deadlines, the approval."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import StoredFile
from jinqi.credit import repairs
from jinqi.credit.enums import RecordStatus, RepairState
from jinqi.credit.models import RepairApplication
from jinqi.credit.tests import repair_builders as b
from jinqi.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2026():
    with clock.frozen_at(b.TODAY):
        yield


def apply(record, user, **materials):
    return repairs.repair_apply(
        record=record, statement="已缴纳罚款并补报年度报告。", materials=materials, acting_user=user
    )


def test_held_proof_is_fetched_not_asked():
    """A fulfilment the department recorded is not asked for; only the commitment is."""
    firm = b.firm()
    record = b.record(firm)
    b.staff()  # the department's staff hear of the application
    asked = [m for m in repairs.repair_materials(record) if not m.held]
    assert [m.key for m in asked] == [repairs.COMMITMENT]
    application = apply(record, b.owner(firm), commitment=b.pdf())
    assert application.state == RepairState.SUBMITTED
    assert application.materials.count() == 1
    # Accept within 3 working days: Wed 2026-07-01 → Mon 2026-07-06.
    assert application.accept_due == dt.date(2026, 7, 6)
    assert Notification.objects.filter(recipient__department=record.department).exists()


def test_unfulfilled_needs_proof_and_nothing_is_stored():
    """Without the department's record of fulfilment the proof is required; a refusal stores
    nothing."""
    firm = b.firm()
    record = b.record(firm, fulfilled=False)
    with pytest.raises(DomainError, match="附上"):
        apply(record, b.owner(firm), commitment=b.pdf())
    assert not RepairApplication.objects.exists() and not StoredFile.objects.exists()
    apply(record, b.owner(firm), commitment=b.pdf(), fulfilment=b.pdf("缴款凭证.pdf"))


def test_too_early_twice_or_not_own_is_refused():
    """Before the repairable day, a second open application, or another enterprise: refused."""
    firm = b.firm()
    early = b.record(firm, repairable_from=dt.date(2026, 9, 1))
    with pytest.raises(DomainError, match="2026-09-01"):
        apply(early, b.owner(firm), commitment=b.pdf())
    record = b.record(firm)
    with pytest.raises(PermissionDenied):
        apply(record, b.owner(b.firm("上海别家有限公司")), commitment=b.pdf())
    apply(record, b.owner(firm), commitment=b.pdf())
    with pytest.raises(DomainError, match="正在办理"):
        apply(record, b.owner(firm), commitment=b.pdf())
    assert RepairApplication.objects.count() == 1
    assert StoredFile.objects.count() == 1  # the refused attempts stored nothing


def test_accept_extend_approve_repairs_the_record():
    """Accepting sets 10 working days; one extension with a reason; approval marks 已修复."""
    firm = b.firm()
    record = b.record(firm)
    department = b.staff()
    application = apply(record, b.owner(firm), commitment=b.pdf())
    application = repairs.repair_transition(
        application=application, action="accept", lock_version=0, acting_user=department
    )
    assert application.decide_due == dt.date(2026, 7, 15)
    assert repairs.deadline(application).days_left == 10
    with pytest.raises(DomainError):  # an extension needs its reason
        repairs.repair_transition(
            application=application, action="extend", lock_version=1, acting_user=department
        )
    application = repairs.repair_transition(
        application=application,
        action="extend",
        lock_version=1,
        text="需现场核查整改情况。",
        extension_days=5,
        acting_user=department,
    )
    assert application.decide_due == dt.date(2026, 7, 22)
    with pytest.raises(DomainError, match="延长"):
        repairs.repair_transition(
            application=application,
            action="extend",
            lock_version=2,
            text="再延长",
            acting_user=department,
        )
    repairs.repair_transition(
        application=application, action="approve", lock_version=2, acting_user=department
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED and record.repaired_on == dt.date(2026, 7, 1)


def test_other_department_cannot_decide():
    """Only the deciding department acts on the application, and the state is unchanged."""
    firm = b.firm()
    application = apply(b.record(firm), b.owner(firm), commitment=b.pdf())
    with pytest.raises(PermissionDenied):
        repairs.repair_transition(
            application=application, action="accept", lock_version=0, acting_user=b.staff("finance")
        )
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED and application.lock_version == 0
