"""Visits built from tasks (综合查一次), their inspection codes, findings, rectification and the
enterprise's rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.documents import DocumentStatus, document_by_code, document_status
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.inspections import results, visits
from jinqi.inspections.enums import FindingResult, RectificationState, TaskState, VisitState
from jinqi.inspections.models import InspectorConflict, Rating, Task, Visit
from jinqi.inspections.results import FindingIn
from jinqi.inspections.tests import visit_builders as b
from jinqi.inspections.visit_selectors import ledger_of, visit_for, visits_visible_to
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 2, 9)  # 2026-11-02 is a Monday, no holiday near


@pytest.fixture
def world() -> dict[str, Any]:
    with clock.frozen_at(MONDAY):
        firm = enterprise(name="上海金山示范化工有限公司")
        made = b.safety_and_ecology(firm)
        made["lead"] = UserFactory(lead_office=True)
        made["safety_user"] = department_user(b.SAFETY)
        made["ecology_user"] = department_user(b.ECOLOGY)
        made["owner"] = UserFactory(enterprise=True, enterprise_uscc=firm.uscc)
        return made


def _joint(world: dict[str, Any]) -> Visit:
    """Overlapping windows of the two departments: one visit on the earliest last working day."""
    b.task(
        world["safety"],
        world["firm"],
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 13),
        inspectors=world["safety_inspectors"],
    )
    b.task(
        world["ecology"],
        world["firm"],
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 20),
        inspectors=world["ecology_inspectors"],
    )
    with clock.frozen_at(MONDAY):
        built = visits.visits_build(acting_user=world["lead"])
    assert len(built.visits) == 1 and built.saved == 1
    return built.visits[0]


def test_two_departments_merge_into_one_visit_led_by_the_industry_regulator(world):
    """Two departments' overlapping tasks become one visit on the earliest last working day,
    led by the department the sector rule names, with each department's inspectors and every
    item once; the tasks are in the visit."""
    visit = _joint(world)
    assert visit.date == dt.date(2026, 11, 13)
    assert visit.lead_department == world["safety"]
    assert not visit.over_cap
    assert {i.department_id for i in visit.inspectors.all()} == {
        world["safety"].pk,
        world["ecology"].pk,
    }
    assert set(Task.objects.values_list("state", flat=True)) == {TaskState.IN_VISIT}
    sheet_items = [
        i.code for i in visits.items_of_tasks(list(visit.tasks.values_list("pk", flat=True)))
    ]
    assert sheet_items == ["HB-001", "HB-002", "YJ-001", "YJ-002"] or sorted(sheet_items) == [
        "HB-001",
        "HB-002",
        "YJ-001",
        "YJ-002",
    ]


def test_the_inspection_code_states_inspectors_certificates_items_and_basis(world):
    """The code is a verifiable document valid until the visit's day that names the lead
    department, every inspector with certificate and validity, every item with its legal basis
    and the filed plans."""
    visit = _joint(world)
    document = document_by_code(visit.short_code.lower())
    assert document is not None and document.valid_until == visit.date
    text = str(document.content)
    for expected in (
        "区应急管理局",
        "区生态环境局",
        "王安全",
        "31000000001",
        "钱环保",
        "2028-12-31",
        "《排污许可管理条例》第十七条",
        "年度检查计划",
        world["firm"].uscc,
    ):
        assert expected in text, expected
    with clock.frozen_at(MONDAY):
        assert document_status(document) == DocumentStatus.VALID


def test_unannounced_tasks_are_never_merged(world):
    """An unannounced task is a visit of its own even when its window overlaps another's."""
    b.task(world["safety"], world["firm"], dt.date(2026, 11, 2), dt.date(2026, 11, 13))
    b.task(
        world["ecology"],
        world["firm"],
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 13),
        unannounced=True,
    )
    with clock.frozen_at(MONDAY):
        built = visits.visits_build(acting_user=world["lead"])
    assert len(built.visits) == 2 and built.saved == 0


def test_a_visit_over_the_sectors_yearly_cap_is_flagged_for_the_lead_office(world):
    """With a cap of two visits a year, the third visit to the enterprise is flagged."""
    for start in (dt.date(2026, 11, 2), dt.date(2026, 11, 16), dt.date(2026, 11, 30)):
        b.task(world["safety"], world["firm"], start, start + dt.timedelta(days=4))
    with clock.frozen_at(MONDAY):
        built = visits.visits_build(acting_user=world["lead"])
    assert [v.over_cap for v in sorted(built.visits, key=lambda v: v.date)] == [
        False,
        False,
        True,
    ]
    assert list(visits.visits_over_cap()) == [max(built.visits, key=lambda v: v.date)]


def test_expired_or_conflicted_inspectors_are_not_sent_and_a_department_without_any_stops_all(
    world,
):
    """An inspector whose certificate has lapsed or who declared a conflict is not sent; when a
    department has nobody certified, nothing is built and the tasks stay open."""
    expired, conflicted = world["safety_inspectors"]
    expired.valid_to = dt.date(2026, 10, 31)
    expired.save()
    InspectorConflict.objects.create(
        inspector=conflicted, enterprise=world["firm"], declared_on=dt.date(2026, 1, 1)
    )
    b.task(world["safety"], world["firm"], dt.date(2026, 11, 2), dt.date(2026, 11, 13))
    with clock.frozen_at(MONDAY), pytest.raises(DomainError, match="区应急管理局"):
        visits.visits_build(acting_user=world["lead"])
    assert not Visit.objects.exists()
    assert Task.objects.get().state == TaskState.OPEN


def test_a_task_without_a_working_day_is_refused_by_id(world):
    """A window of one Sunday holds no working day: refused, naming the task, nothing built."""
    made = b.task(world["safety"], world["firm"], dt.date(2026, 11, 8), dt.date(2026, 11, 8))
    with clock.frozen_at(MONDAY), pytest.raises(DomainError, match=str(made.pk)):
        visits.visits_build(acting_user=world["lead"])
    assert not Visit.objects.exists()


def test_only_the_lead_office_builds_visits(world):
    """A department cannot merge the platform's tasks."""
    b.task(world["safety"], world["firm"], dt.date(2026, 11, 2), dt.date(2026, 11, 13))
    with clock.frozen_at(MONDAY), pytest.raises(PermissionDenied):
        visits.visits_build(acting_user=world["safety_user"])
    assert not Visit.objects.exists()


def _record(world: dict[str, Any], visit: Visit) -> None:
    with clock.frozen_at(dt.datetime(2026, 11, 13, 10)):
        results.findings_record(
            visit=visit,
            entries=[
                FindingIn("YJ-001", FindingResult.COMPLIANT),
                FindingIn("YJ-002", FindingResult.NON_COMPLIANT, "危化品仓库未设置防爆灯具", 10),
            ],
            acting_user=world["safety_user"],
        )


def test_findings_begin_the_visit_and_order_a_rectification_in_working_days(world):
    """A department records its own items; a non-compliant one orders a rectification due ten
    working days later; the visit is under way."""
    visit = _joint(world)
    _record(world, visit)
    visit.refresh_from_db()
    assert visit.state == VisitState.UNDER_WAY
    finding = visit.findings.get(item__code="YJ-002")
    assert finding.rectification.deadline == dt.date(2026, 11, 27)
    assert finding.rectification.state == RectificationState.OPEN


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([FindingIn("HB-001", FindingResult.COMPLIANT)], "不是本部门"),
        ([FindingIn("YJ-002", FindingResult.NON_COMPLIANT, "", 10)], "不符合情况"),
        ([FindingIn("YJ-002", FindingResult.NON_COMPLIANT, "问题", 0)], "1 至 60"),
        ([FindingIn("YJ-002", FindingResult.NON_COMPLIANT, "问题", 61)], "1 至 60"),
        ([FindingIn("YJ-001", "maybe")], "请选择符合"),
        ([FindingIn("YJ-001", "compliant"), FindingIn("YJ-001", "compliant")], "只能登记一个结果"),
        ([], "至少登记一个"),
    ],
)
def test_bad_findings_are_refused_and_nothing_is_stored(world, entries, message):
    """Another department's item, a non-compliance without a note or a deadline in range, an
    unknown result, a repeated item or no result at all: refused, nothing stored."""
    visit = _joint(world)
    with clock.frozen_at(dt.datetime(2026, 11, 13, 10)), pytest.raises(DomainError) as refused:
        results.findings_record(visit=visit, entries=entries, acting_user=world["safety_user"])
    assert message in refused.value.message
    assert not visit.findings.exists()
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED


def test_an_item_takes_one_result_and_findings_wait_for_the_day(world):
    """Before the visit's day nothing is recorded; an item's second result is refused."""
    visit = _joint(world)
    with clock.frozen_at(MONDAY), pytest.raises(DomainError, match="2026-11-13"):
        results.findings_record(
            visit=visit,
            entries=[FindingIn("YJ-001", FindingResult.COMPLIANT)],
            acting_user=world["safety_user"],
        )
    _record(world, visit)
    visit.refresh_from_db()
    with clock.frozen_at(dt.datetime(2026, 11, 13, 11)), pytest.raises(DomainError):
        results.findings_record(
            visit=visit,
            entries=[FindingIn("YJ-001", FindingResult.NOT_APPLICABLE)],
            acting_user=world["safety_user"],
        )


def test_results_are_shared_by_the_visits_departments_and_hidden_from_others(world):
    """结果互认: the other department of the visit and the enterprise see the visit; a department
    not in it does not."""
    visit = _joint(world)
    _record(world, visit)
    assert visit_for(world["ecology_user"], visit.pk) == visit
    assert visits_visible_to(world["owner"]).get() == visit
    assert not visits_visible_to(department_user("finance")).exists()
    assert not visits_visible_to(UserFactory(enterprise=True)).exists()


def test_rectification_report_fail_report_pass(world):
    """The enterprise reports; the re-check fails with a new deadline; reported again and
    passed, it counts as late against the first deadline kept in the log but on time against
    the deadline in force."""
    visit = _joint(world)
    _record(world, visit)
    rectification = visit.findings.get(item__code="YJ-002").rectification
    with clock.frozen_at(dt.datetime(2026, 11, 20, 10)):
        results.rectification_act(
            rectification=rectification,
            action="report",
            lock_version=rectification.lock_version,
            text="已更换防爆灯具",
            acting_user=world["owner"],
        )
        with pytest.raises(PermissionDenied):
            results.rectification_act(
                rectification=rectification,
                action="pass",
                lock_version=rectification.lock_version,
                text="",
                acting_user=world["ecology_user"],
            )
        results.rectification_act(
            rectification=rectification,
            action="fail",
            lock_version=rectification.lock_version,
            text="仓库东侧仍有普通灯具",
            days=5,
            acting_user=world["safety_user"],
        )
    assert rectification.state == RectificationState.FAILED
    assert rectification.deadline == dt.date(2026, 11, 27)
    with clock.frozen_at(dt.datetime(2026, 11, 24, 10)):
        results.rectification_act(
            rectification=rectification,
            action="report",
            lock_version=rectification.lock_version,
            text="已全部更换",
            acting_user=world["owner"],
        )
        results.rectification_act(
            rectification=rectification,
            action="pass",
            lock_version=rectification.lock_version,
            text="复查合格",
            acting_user=world["safety_user"],
        )
    assert rectification.state == RectificationState.PASSED
    assert results.rectification_on_time(rectification) is True


def test_close_needs_every_item_then_the_enterprise_rates_once(world):
    """The lead department closes the visit only when every item has a result; the enterprise
    rates it once; a department sees no mean below five rated visits."""
    visit = _joint(world)
    _record(world, visit)
    visit.refresh_from_db()
    with pytest.raises(DomainError, match="2"):
        visits.visit_close(
            visit=visit, lock_version=visit.lock_version, acting_user=world["safety_user"]
        )
    with clock.frozen_at(dt.datetime(2026, 11, 13, 15)):
        results.findings_record(
            visit=visit,
            entries=[
                FindingIn("HB-001", FindingResult.COMPLIANT),
                FindingIn("HB-002", FindingResult.NOT_APPLICABLE),
            ],
            acting_user=world["ecology_user"],
        )
    visit.refresh_from_db()
    with pytest.raises(PermissionDenied):
        visits.visit_close(
            visit=visit, lock_version=visit.lock_version, acting_user=world["ecology_user"]
        )
    visits.visit_close(
        visit=visit, lock_version=visit.lock_version, acting_user=world["safety_user"]
    )
    assert visit.state == VisitState.DONE
    assert set(Task.objects.values_list("state", flat=True)) == {TaskState.DONE}
    results.visit_rate(visit=visit, score=4, comment="程序规范", acting_user=world["owner"])
    with pytest.raises(DomainError):
        results.visit_rate(visit=visit, score=5, comment="", acting_user=world["owner"])
    summary = results.rating_summary(world["safety"])
    assert summary.visits == 1 and summary.mean is None
    assert [s.visit for s in ledger_of(world["owner"])] == [visit]


def test_a_departments_mean_rating_shows_from_five_visits(world):
    """Five rated visits give the department a mean; four do not."""
    for n in range(5):
        visit = Visit.objects.create(
            enterprise=world["firm"],
            date=dt.date(2026, 3, 2) + dt.timedelta(days=7 * n),
            lead_department=world["safety"],
            short_code=f"CODE{n}",
            state=VisitState.DONE,
            created_at=clock.now(),
        )
        visit.tasks.add(
            b.task(world["safety"], world["firm"], visit.date, visit.date),
        )
        if n:
            Rating.objects.create(visit=visit, score=n, rated_at=clock.now())
    assert results.rating_summary(world["safety"]).mean is None
    Rating.objects.create(
        visit=Visit.objects.get(short_code="CODE0"), score=5, rated_at=clock.now()
    )
    assert results.rating_summary(world["safety"]).mean == 3.0


def test_cancelling_a_planned_visit_revokes_its_code_and_reopens_its_tasks(world):
    """The lead department cancels with a reason: the public page shows the code revoked."""
    visit = _joint(world)
    with clock.frozen_at(MONDAY):
        visits.visit_cancel(
            visit=visit,
            lock_version=visit.lock_version,
            reason="企业停产检修，改期检查",
            acting_user=world["safety_user"],
        )
        document = document_by_code(visit.short_code)
        assert document is not None and document_status(document) == DocumentStatus.REVOKED
    assert set(Task.objects.values_list("state", flat=True)) == {TaskState.OPEN}
