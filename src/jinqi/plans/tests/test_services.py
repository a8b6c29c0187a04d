"""Writes on plans: reports and their review, urging, the supervision log, deadlines, groups,
rollover — each guarded, atomic, audited, and refusing bad input without changing anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.notifications.models import Notification
from jinqi.plans import services
from jinqi.plans.enums import (
    AlertKind,
    DeadlineKind,
    MeasureStatus,
    Rating,
    ReportEventKind,
    ReportState,
    SupervisionKind,
)
from jinqi.plans.models import (
    Assignment,
    Measure,
    MeasureUnit,
    Plan,
    ProgressReport,
    ReportEvent,
    SupervisionEntry,
    UrgingNotice,
)
from jinqi.plans.tests.factories import import_plan, small_plan_csv

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 7, 15, 10, 0)  # Asia/Shanghai
JULY = dt.date(2022, 7, 1)
CONFLICT_MESSAGE = "Someone else changed this report meanwhile; reload it and try again."


@pytest.fixture(autouse=True)
def _frozen_english() -> Iterator[None]:
    with clock.frozen_at(NOW), translation.override("en"):
        yield


@pytest.fixture
def plan() -> Plan:
    """Measure 1: 区市场监管局 by June; 2: finance and construction, continuous; 3: 各镇、园区."""
    return import_plan(small_plan_csv())


@pytest.fixture
def lead() -> User:
    return UserFactory(lead_office=True, email="lead@example.org")


@pytest.fixture
def reporter() -> User:
    return department_user("market-regulation", email="market@example.org")


def measure(plan: Plan, seq: int) -> Measure:
    return plan.measures.get(seq=seq)


def save(user: User, m: Measure, **kwargs: Any) -> ProgressReport:
    values: dict[str, Any] = {
        "period": JULY,
        "status": MeasureStatus.IN_PROGRESS,
        "narrative": "已完成系统改造。",
    }
    values.update(kwargs)
    return services.report_save(measure=m, acting_user=user, **values)


def submitted(user: User, m: Measure) -> ProgressReport:
    return save(user, m, submit=True)


def frozen(report: ProgressReport) -> dict[str, Any]:
    """The fields a refused write must leave as they were."""
    report.refresh_from_db()
    return {
        name: getattr(report, name)
        for name in (
            "status",
            "narrative",
            "state",
            "rating",
            "review_comment",
            "lock_version",
            "is_public",
            "public_summary",
            "submitted_at",
            "reviewed_at",
        )
    }


def audit_rows(obj: Any, action: AuditAction | None = None) -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")
    if action is not None:
        rows = rows.filter(action=action)
    return list(rows)


# report_save ---------------------------------------------------------------------------------


def test_report_is_saved_as_draft_then_submitted(plan: Plan, reporter: User) -> None:
    """A draft has no history and can be completed and submitted, which logs one event."""
    draft = save(reporter, measure(plan, 1))
    assert (draft.state, draft.lock_version, draft.submitted_at) == (ReportState.DRAFT, 1, None)
    assert not draft.events.exists()

    report = save(
        reporter,
        measure(plan, 1),
        narrative="  全部完成。 ",
        status=MeasureStatus.COMPLETED,
        submit=True,
        expected_version=1,
    )

    assert report.pk == draft.pk
    assert (report.state, report.lock_version) == (ReportState.SUBMITTED, 2)
    assert report.narrative == "全部完成。"
    assert report.submitted_at == clock.now()
    assert [(e.kind, e.actor) for e in report.events.all()] == [
        (ReportEventKind.SUBMITTED, reporter)
    ]
    update = audit_rows(report, AuditAction.UPDATE)[0]
    assert update.changes["state"] == {"old": "draft", "new": "submitted"}
    assert update.changes["status"] == {"old": "in_progress", "new": "completed"}


@pytest.mark.parametrize(
    ("role", "department"),
    [(Role.DEPARTMENT, "finance"), (Role.LEAD_OFFICE, None), (Role.DEPARTMENT, "town-zhujing")],
    ids=["other-department", "lead-office", "town-outside-the-measure"],
)
def test_only_the_measures_units_may_report(plan: Plan, role: str, department: str | None) -> None:
    """Anyone but staff of a responsible unit is refused and no report is written."""
    user = department_user(department) if department else UserFactory(role=role)
    with pytest.raises(PermissionDenied) as caught:
        save(user, measure(plan, 1))
    assert caught.value.message == "Only the measure's responsible units can report on it."
    assert not ProgressReport.objects.exists()


def test_each_unit_of_a_group_reports_for_itself(plan: Plan) -> None:
    """A town reports on a measure given to 各镇、园区, on its own assignment."""
    report = submitted(department_user("town-zhujing"), measure(plan, 3))
    assert report.assignment.department.code == "town-zhujing"
    assert report.assignment.via_group is not None
    assert report.assignment.via_group.code == "group-towns-parks"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"period": dt.date(2022, 8, 1)},
            "A report cannot be written for a month that has not begun.",
        ),
        ({"narrative": "  \n "}, "Describe the progress made."),
        ({"status": "done"}, "Unknown status “done”."),
    ],
    ids=["future-month", "empty-narrative", "unknown-status"],
)
def test_bad_report_is_refused_and_nothing_changes(
    plan: Plan, reporter: User, changes: dict[str, Any], message: str
) -> None:
    """Each bad input names the problem, and neither a new nor an existing report changes."""
    june = save(reporter, measure(plan, 1), period=dt.date(2022, 6, 1))
    before = frozen(june)
    with pytest.raises(DomainError) as caught:
        save(reporter, measure(plan, 1), **changes)
    assert caught.value.message == message
    assert ProgressReport.objects.count() == 1
    with pytest.raises(DomainError):
        save(reporter, measure(plan, 1), **{"period": june.period, **changes})
    assert frozen(june) == before


def test_current_month_may_be_reported_from_any_day_in_it(plan: Plan, reporter: User) -> None:
    """A date within the current month is the current month's report (stored as its 1st day)."""
    report = save(reporter, measure(plan, 1), period=dt.date(2022, 7, 31))
    assert report.period == JULY


def test_submitted_report_cannot_be_saved_again(plan: Plan, reporter: User) -> None:
    """Once submitted a report is frozen until the lead office returns it."""
    report = submitted(reporter, measure(plan, 1))
    before = frozen(report)
    for submit in (True, False):
        with pytest.raises(DomainError) as caught:
            save(
                reporter,
                measure(plan, 1),
                narrative="改写",
                submit=submit,
                expected_version=report.lock_version,
            )
        assert caught.value.message == (
            "This report was already submitted; it can be changed only if it is returned."
        )
    assert frozen(report) == before
    assert report.events.count() == 1


def test_stale_version_of_a_draft_is_a_conflict(plan: Plan, reporter: User) -> None:
    """Two colleagues edit one draft: the one saving an older version is told, and loses nothing."""
    colleague = department_user("market-regulation")
    draft = save(reporter, measure(plan, 1), narrative="第一稿")
    save(colleague, measure(plan, 1), narrative="同事的修改", expected_version=draft.lock_version)
    before = frozen(draft)
    assert before["lock_version"] == 2

    with pytest.raises(ConflictError) as caught:
        save(reporter, measure(plan, 1), narrative="我的修改", submit=True, expected_version=1)

    assert caught.value.message == CONFLICT_MESSAGE
    assert frozen(draft) == before
    assert before["narrative"] == "同事的修改"
    assert not ReportEvent.objects.exists()


# report_review / report_return ---------------------------------------------------------------


def test_review_rates_logs_audits_and_notifies_the_department(
    plan: Plan, reporter: User, lead: User
) -> None:
    """Reviewing moves the report to reviewed, logs the rating, audits old and new values, and
    puts a notice in the inbox of each active staff member of the department only."""
    colleague = department_user("market-regulation")
    department_user("market-regulation", is_active=False)
    outsider = department_user("finance")
    report = submitted(reporter, measure(plan, 1))

    reviewed = services.report_review(
        report=report,
        rating=Rating.GOOD,
        comment=" 材料完整 ",
        acting_user=lead,
        expected_version=report.lock_version,
    )

    assert reviewed.state == ReportState.REVIEWED
    assert (reviewed.rating, reviewed.review_comment) == (Rating.GOOD, "材料完整")
    assert reviewed.reviewed_at == clock.now()
    assert reviewed.lock_version == report.lock_version + 1
    assert not reviewed.is_public
    assert [(e.kind, e.actor, e.rating, e.comment) for e in reviewed.events.all()] == [
        (ReportEventKind.SUBMITTED, reporter, "", ""),
        (ReportEventKind.REVIEWED, lead, Rating.GOOD, "材料完整"),
    ]
    (transition,) = audit_rows(report, AuditAction.TRANSITION)
    assert transition.actor == lead
    assert transition.changes == {
        "rating": {"old": "", "new": "good"},
        "state": {"old": "submitted", "new": "reviewed"},
    }
    notices = Notification.objects.filter(kind=AlertKind.REPORT_REVIEWED)
    assert {n.recipient for n in notices} == {reporter, colleague}
    assert outsider.notifications.count() == 0
    assert all(n.link == f"/plans/reports/{report.pk}/" for n in notices)
    assert "measure 1" in notices[0].title and "Good" in notices[0].title


def test_review_with_a_summary_publishes_it(plan: Plan, reporter: User, lead: User) -> None:
    """A public summary given at review makes the report public and logs the publication."""
    report = submitted(reporter, measure(plan, 1))
    reviewed = services.report_review(
        report=report,
        rating=Rating.EXCELLENT,
        comment="",
        public_summary="已上线。",
        acting_user=lead,
        expected_version=report.lock_version,
    )
    assert (reviewed.is_public, reviewed.public_summary) == (True, "已上线。")
    assert list(reviewed.events.values_list("kind", flat=True)) == [
        ReportEventKind.SUBMITTED,
        ReportEventKind.REVIEWED,
        ReportEventKind.PUBLISHED,
    ]


def test_return_sends_the_report_back_and_it_can_be_resubmitted(
    plan: Plan, reporter: User, lead: User
) -> None:
    """A returned report carries the reasons to the department, which reworks and resubmits it."""
    report = submitted(reporter, measure(plan, 1))

    returned = services.report_return(
        report=report, comment="请补充数据", acting_user=lead, expected_version=report.lock_version
    )

    assert (returned.state, returned.review_comment) == (ReportState.RETURNED, "请补充数据")
    last = returned.events.last()
    assert last is not None
    assert (last.kind, last.actor, last.comment) == (ReportEventKind.RETURNED, lead, "请补充数据")
    (transition,) = audit_rows(report, AuditAction.TRANSITION)
    assert transition.changes == {"state": {"old": "submitted", "new": "returned"}}
    (notice,) = reporter.notifications.all()
    assert notice.kind == AlertKind.REPORT_RETURNED
    assert notice.body == "请补充数据"

    again = save(
        reporter,
        measure(plan, 1),
        narrative="补充了数据",
        submit=True,
        expected_version=returned.lock_version,
    )
    assert again.state == ReportState.SUBMITTED
    assert again.events.filter(kind=ReportEventKind.SUBMITTED).count() == 2


def test_return_without_reasons_is_refused(plan: Plan, reporter: User, lead: User) -> None:
    """Returning needs a comment; without one the report stays submitted."""
    report = submitted(reporter, measure(plan, 1))
    before = frozen(report)
    with pytest.raises(DomainError) as caught:
        services.report_return(
            report=report, comment=" ", acting_user=lead, expected_version=report.lock_version
        )
    assert caught.value.message == "Say what needs to be reworked."
    assert frozen(report) == before


def test_second_reviewer_with_the_same_version_gets_a_conflict(
    plan: Plan, reporter: User, lead: User
) -> None:
    """Two reviewers open the same version: the first wins, the second is told to reload and
    neither a second review nor a return is applied."""
    other_lead = UserFactory(lead_office=True)
    report = submitted(reporter, measure(plan, 1))
    seen_version = report.lock_version
    services.report_review(
        report=report,
        rating=Rating.GOOD,
        comment="好",
        acting_user=lead,
        expected_version=seen_version,
    )
    before = frozen(report)

    with pytest.raises(ConflictError) as caught:
        services.report_review(
            report=report,
            rating=Rating.POOR,
            comment="差",
            acting_user=other_lead,
            expected_version=seen_version,
        )
    assert caught.value.message == CONFLICT_MESSAGE
    with pytest.raises(ConflictError):
        services.report_return(
            report=report, comment="退回", acting_user=other_lead, expected_version=seen_version
        )

    assert frozen(report) == before
    assert before["rating"] == Rating.GOOD
    assert report.events.filter(kind=ReportEventKind.REVIEWED).count() == 1


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ("draft", "review", "Only a submitted report can be reviewed."),
        ("draft", "return", "Only a submitted report can be returned."),
        ("reviewed", "review", "Only a submitted report can be reviewed."),
        ("submitted", "bad-rating", "Choose a rating."),
    ],
)
def test_review_only_applies_to_submitted_reports(
    plan: Plan, reporter: User, lead: User, state: str, action: str, message: str
) -> None:
    """Reviewing or returning a report in the wrong state, or without a rating, is refused."""
    report = save(reporter, measure(plan, 1), submit=state != "draft")
    if state == "reviewed":
        report = services.report_review(
            report=report,
            rating=Rating.GOOD,
            comment="",
            acting_user=lead,
            expected_version=report.lock_version,
        )
    before = frozen(report)
    with pytest.raises(DomainError) as caught:
        if action == "return":
            services.report_return(
                report=report, comment="x", acting_user=lead, expected_version=report.lock_version
            )
        else:
            services.report_review(
                report=report,
                acting_user=lead,
                rating="" if action == "bad-rating" else Rating.GOOD,
                comment="",
                expected_version=report.lock_version,
            )
    assert caught.value.message == message
    assert frozen(report) == before


def test_department_staff_cannot_review(plan: Plan, reporter: User) -> None:
    """Only the lead office reviews; a department may not rate its own report."""
    report = submitted(reporter, measure(plan, 1))
    before = frozen(report)
    with pytest.raises(PermissionDenied):
        services.report_review(
            report=report,
            rating=Rating.EXCELLENT,
            comment="",
            acting_user=reporter,
            expected_version=report.lock_version,
        )
    assert frozen(report) == before


# report_publication_set ----------------------------------------------------------------------


@pytest.fixture
def reviewed(plan: Plan, reporter: User, lead: User) -> ProgressReport:
    report = submitted(reporter, measure(plan, 1))
    return services.report_review(
        report=report,
        rating=Rating.GOOD,
        comment="",
        acting_user=lead,
        expected_version=report.lock_version,
    )


def test_publication_is_set_and_withdrawn(reviewed: ProgressReport, lead: User) -> None:
    """The lead office publishes a summary of a reviewed report and can withdraw it; both logged."""
    published = services.report_publication_set(
        report=reviewed,
        public_summary=" 系统已上线 ",
        is_public=True,
        acting_user=lead,
        expected_version=reviewed.lock_version,
    )
    assert (published.is_public, published.public_summary) == (True, "系统已上线")
    assert audit_rows(published, AuditAction.UPDATE)[-1].changes == {
        "is_public": {"old": False, "new": True},
        "public_summary": {"old": "", "new": "系统已上线"},
    }

    withdrawn = services.report_publication_set(
        report=published,
        public_summary="",
        is_public=False,
        acting_user=lead,
        expected_version=published.lock_version,
    )
    assert not withdrawn.is_public
    assert audit_rows(withdrawn, AuditAction.UPDATE)[-1].changes == {
        "is_public": {"old": True, "new": False},
        "public_summary": {"old": "系统已上线", "new": ""},
    }
    assert list(withdrawn.events.values_list("kind", flat=True))[-2:] == [
        ReportEventKind.PUBLISHED,
        ReportEventKind.UNPUBLISHED,
    ]


def test_publishing_needs_a_summary_and_a_reviewed_report(
    plan: Plan, reviewed: ProgressReport, lead: User
) -> None:
    """No summary, a stale version, or an unreviewed report is refused and nothing changes."""
    before = frozen(reviewed)
    with pytest.raises(DomainError) as caught:
        services.report_publication_set(
            report=reviewed,
            public_summary=" ",
            is_public=True,
            acting_user=lead,
            expected_version=reviewed.lock_version,
        )
    assert caught.value.message == "Write the summary the public will see."
    with pytest.raises(ConflictError):
        services.report_publication_set(
            report=reviewed,
            public_summary="x",
            is_public=True,
            acting_user=lead,
            expected_version=reviewed.lock_version - 1,
        )
    assert frozen(reviewed) == before

    draft = save(department_user("finance"), measure(plan, 2))
    with pytest.raises(DomainError) as caught:
        services.report_publication_set(
            report=draft,
            public_summary="x",
            is_public=True,
            acting_user=lead,
            expected_version=draft.lock_version,
        )
    assert caught.value.message == "Only a reviewed report can be published."
    assert not ProgressReport.objects.filter(is_public=True).exists()


# urging --------------------------------------------------------------------------------------


def urge(plan: Plan, lead: User, **kwargs: Any) -> UrgingNotice:
    values: dict[str, Any] = {
        "measure": measure(plan, 1),
        "department": Department.objects.get(code="market-regulation"),
        "message": "请尽快报送进展",
        "reply_due": dt.date(2022, 7, 20),
    }
    values.update(kwargs)
    return services.urging_issue(acting_user=lead, **values)


def test_urging_notifies_the_department(plan: Plan, lead: User, reporter: User) -> None:
    """催办 reaches the urged department's inbox with the reply date, and is audited."""
    notice = urge(plan, lead)
    (inbox,) = reporter.notifications.all()
    assert inbox.kind == AlertKind.URGING
    assert "2022-07-20" in inbox.title
    assert inbox.link == f"/plans/urgings/{notice.pk}/"
    assert audit_rows(notice, AuditAction.CREATE)[0].actor == lead


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"department_code": "finance"}, "区财政局 is not responsible for this measure."),
        ({"message": " "}, "Write the urging message."),
        ({"reply_due": dt.date(2022, 7, 14)}, "The reply date cannot be in the past."),
    ],
)
def test_bad_urging_is_refused(
    plan: Plan, lead: User, changes: dict[str, Any], message: str
) -> None:
    """An urging to a unit without the measure, without text, or due in the past is refused."""
    code = changes.pop("department_code", None)
    if code:
        changes["department"] = Department.objects.get(code=code)
    with pytest.raises(DomainError) as caught:
        urge(plan, lead, **changes)
    assert caught.value.message == message
    assert not UrgingNotice.objects.exists()
    assert not Notification.objects.exists()


def test_only_the_urged_department_replies_once(plan: Plan, lead: User, reporter: User) -> None:
    """Another department or the lead office cannot answer; the urged one answers once and the
    issuer is told."""
    notice = urge(plan, lead)
    for intruder in (department_user("finance"), UserFactory(lead_office=True)):
        with pytest.raises(PermissionDenied) as caught:
            services.urging_reply(notice=notice, reply="代答", acting_user=intruder)
        assert caught.value.message == "Only the urged department can reply."
    notice.refresh_from_db()
    assert (notice.reply, notice.replied_at) == ("", None)

    services.urging_reply(notice=notice, reply=" 已于本周完成 ", acting_user=reporter)
    notice.refresh_from_db()
    assert (notice.reply, notice.replied_by, notice.replied_at) == (
        "已于本周完成",
        reporter,
        clock.now(),
    )
    (answer,) = lead.notifications.filter(kind=AlertKind.URGING_REPLIED)
    assert answer.body == "已于本周完成"

    with pytest.raises(DomainError) as again:
        services.urging_reply(notice=notice, reply="再答一次", acting_user=reporter)
    assert again.value.message == "This urging notice was already answered."
    notice.refresh_from_db()
    assert notice.reply == "已于本周完成"
    assert lead.notifications.filter(kind=AlertKind.URGING_REPLIED).count() == 1


# supervision_record --------------------------------------------------------------------------


def test_supervision_entry_is_recorded(plan: Plan, lead: User) -> None:
    """A meeting is recorded with its measures and an audit row."""
    entry = services.supervision_record(
        plan=plan,
        kind=SupervisionKind.MEETING,
        held_on=dt.date(2022, 7, 14),
        title=" 专题会 ",
        summary="推进会",
        measures=[measure(plan, 1), measure(plan, 3)],
        acting_user=lead,
    )
    assert entry.title == "专题会"
    assert sorted(entry.measures.values_list("seq", flat=True)) == [1, 3]
    assert audit_rows(entry, AuditAction.CREATE)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "party"}, "Unknown kind of supervision."),
        ({"title": " "}, "Give the entry a title and a summary."),
        ({"summary": ""}, "Give the entry a title and a summary."),
        (
            {"held_on": dt.date(2022, 7, 16)},
            "A meeting, visit or inquiry cannot be recorded before it happens.",
        ),
        ({"other_plan": True}, "Every measure must belong to this plan."),
    ],
)
def test_bad_supervision_entry_is_refused(
    plan: Plan, lead: User, changes: dict[str, Any], message: str
) -> None:
    """Each invalid entry is refused with its reason and nothing is recorded."""
    measures = [measure(plan, 1)]
    if changes.pop("other_plan", False):
        measures.append(import_plan(small_plan_csv(), code="other").measures.get(seq=2))
    values: dict[str, Any] = {
        "kind": SupervisionKind.VISIT,
        "held_on": dt.date(2022, 7, 15),
        "title": "走访",
        "summary": "走访企业",
    }
    values.update(changes)
    with pytest.raises(DomainError) as caught:
        services.supervision_record(plan=plan, measures=measures, acting_user=lead, **values)
    assert caught.value.message == message
    assert not SupervisionEntry.objects.exists()


def test_department_cannot_record_supervision(plan: Plan, reporter: User) -> None:
    """The supervision log is the lead office's."""
    with pytest.raises(PermissionDenied):
        services.supervision_record(
            plan=plan,
            kind=SupervisionKind.VISIT,
            held_on=dt.date(2022, 7, 1),
            title="t",
            summary="s",
            measures=[],
            acting_user=reporter,
        )
    assert not SupervisionEntry.objects.exists()


# measure_deadline_set ------------------------------------------------------------------------


@pytest.fixture
def unstated(lead: User) -> Measure:
    plan = import_plan(small_plan_csv("1,否,一、基本服务,（一）行动一,事项一,举措一,区经委,"))
    m = measure(plan, 1)
    assert m.deadline_kind == DeadlineKind.NOT_STATED
    return m


def test_not_stated_measure_gets_a_deadline(unstated: Measure, lead: User) -> None:
    """The lead office completes a missing deadline; the change is audited with old and new."""
    services.measure_deadline_set(measure=unstated, deadline_text=" 9月 ", acting_user=lead)
    unstated.refresh_from_db()
    assert (unstated.deadline_kind, unstated.deadline_text, unstated.due_date) == (
        DeadlineKind.MONTH,
        "9月",
        dt.date(2022, 9, 30),
    )
    change = audit_rows(unstated, AuditAction.UPDATE)[-1].changes
    assert change == {
        "deadline_kind": {"old": "not_stated", "new": "month"},
        "deadline_text": {"old": "", "new": "9月"},
        "due_date": {"old": None, "new": "2022-09-30"},
    }


def test_bad_deadline_text_is_refused(unstated: Measure, lead: User) -> None:
    """Text that is no deadline is refused with a hint and the measure stays as it was."""
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        services.measure_deadline_set(measure=unstated, deadline_text="明年", acting_user=lead)
    assert caught.value.message == (
        "“明年” is not a deadline (write e.g. 6月, 持续推进 or 已完成，巩固成效)."
    )
    unstated.refresh_from_db()
    assert (unstated.deadline_kind, unstated.deadline_text, unstated.due_date) == (
        DeadlineKind.NOT_STATED,
        "",
        None,
    )
    assert AuditEvent.objects.count() == audits


def test_department_cannot_set_a_deadline(unstated: Measure) -> None:
    """Deadlines are the lead office's to set."""
    with pytest.raises(PermissionDenied):
        services.measure_deadline_set(
            measure=unstated, deadline_text="9月", acting_user=department_user("economy")
        )
    unstated.refresh_from_db()
    assert unstated.deadline_kind == DeadlineKind.NOT_STATED


# group_members_set ---------------------------------------------------------------------------


def test_editing_a_group_moves_assignments_but_keeps_reporters(plan: Plan, lead: User) -> None:
    """Members added to 各镇、园区 get the group's measures, dropped ones lose them — unless they
    already reported, whose history must stay attached."""
    group = Department.objects.get(code="group-towns-parks")
    group_measure = measure(plan, 3)
    assert group_measure.assignments.count() == 13
    submitted(department_user("town-zhujing"), group_measure)
    new_members = list(Department.objects.filter(code__in=["town-fengjing", "economy"]))

    services.group_members_set(group=group, members=new_members, acting_user=lead)

    assert sorted(group_measure.assignments.values_list("department__code", flat=True)) == [
        "economy",
        "town-fengjing",
        "town-zhujing",
    ]
    economy = group_measure.assignments.get(department__code="economy")
    assert (economy.via_group, economy.is_lead) == (group, True)
    assert measure(plan, 1).assignments.count() == 1  # other measures untouched
    (change,) = audit_rows(group, AuditAction.UPDATE)
    assert change.changes["members"]["new"] == ["economy", "town-fengjing"]
    assert len(change.changes["members"]["old"]) == 13


@pytest.mark.parametrize(
    ("group_code", "member_codes", "message"),
    [
        ("finance", ["economy"], "区财政局 is not a group of units."),
        (
            "group-towns-parks",
            ["economy", "group-fund-departments"],
            "A group's members must be single units, not groups.",
        ),
    ],
)
def test_bad_group_edit_is_refused(
    plan: Plan, lead: User, group_code: str, member_codes: list[str], message: str
) -> None:
    """Only groups have members, and members are single units; nothing changes on refusal."""
    group = Department.objects.get(code=group_code)
    before = sorted(group.members.values_list("code", flat=True))
    assignments = sorted(Assignment.objects.values_list("measure_id", "department_id"))
    with pytest.raises(DomainError) as caught:
        services.group_members_set(
            group=group,
            members=list(Department.objects.filter(code__in=member_codes)),
            acting_user=lead,
        )
    assert caught.value.message == message
    assert sorted(group.members.values_list("code", flat=True)) == before
    assert sorted(Assignment.objects.values_list("measure_id", "department_id")) == assignments


# plan_roll_over ------------------------------------------------------------------------------


def test_roll_over_copies_measures_into_next_year(plan: Plan, lead: User, reporter: User) -> None:
    """Next year's plan gets every measure and unit with deadlines a year later, no reports, and
    the source plan is left exactly as it was."""
    submitted(reporter, measure(plan, 1))
    source_measures = list(plan.measures.values_list("seq", "deadline_kind", "due_date"))
    source_units = sorted(
        MeasureUnit.objects.filter(measure__plan=plan).values_list("measure__seq", "written_as")
    )

    new = services.plan_roll_over(
        source=plan, code="test-2023", title="2023年方案", year=2023, acting_user=lead
    )

    assert (new.year, new.rolled_over_from) == (2023, plan)
    assert list(new.measures.values_list("seq", "deadline_kind", "due_date")) == [
        (1, DeadlineKind.MONTH, dt.date(2023, 6, 30)),
        (2, DeadlineKind.CONTINUOUS, None),
        (3, DeadlineKind.MONTH, dt.date(2023, 12, 31)),
    ]
    assert (
        sorted(
            MeasureUnit.objects.filter(measure__plan=new).values_list("measure__seq", "written_as")
        )
        == source_units
    )
    assert measure(new, 3).assignments.count() == 13
    assert not ProgressReport.objects.filter(assignment__measure__plan=new).exists()
    assert list(plan.measures.values_list("seq", "deadline_kind", "due_date")) == source_measures
    assert ProgressReport.objects.filter(assignment__measure__plan=plan).count() == 1
    assert audit_rows(new, AuditAction.CREATE)[0].changes["rolled_over_from"]["new"] == "test-2022"


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        ("test-2022b", 2022, "The new plan must be for a later year than 2022."),
        ("test-2021", 2021, "The new plan must be for a later year than 2022."),
        ("test-2022", 2023, "A plan with the code test-2022 already exists."),
    ],
)
def test_bad_roll_over_is_refused(
    plan: Plan, lead: User, code: str, year: int, message: str
) -> None:
    """Rolling into the same or an earlier year, or onto a used code, creates nothing."""
    with pytest.raises(DomainError) as caught:
        services.plan_roll_over(source=plan, code=code, title="t", year=year, acting_user=lead)
    assert caught.value.message == message
    assert list(Plan.objects.values_list("code", flat=True)) == ["test-2022"]
    assert Measure.objects.count() == 3


@pytest.mark.parametrize(
    ("deadline", "year", "expected_text", "expected_due"),
    [
        ("2月", 2024, "2月", dt.date(2024, 2, 29)),  # month end stays month end in a leap year
        ("2023年2月", 2024, "2024年2月", dt.date(2024, 2, 29)),
        ("6月", 2024, "6月", dt.date(2024, 6, 30)),
    ],
)
def test_roll_over_moves_month_end_deadlines_and_written_years(
    deadline: str, year: int, expected_text: str, expected_due: dt.date
) -> None:
    """Rolling over keeps a month-end deadline at the month's end and renames a written year."""
    plan = import_plan(
        small_plan_csv(f"1,是,一、基本服务,（一）行动一,事项一,举措一,区市场监管局,{deadline}"),
        year=2023,
    )
    new = services.plan_roll_over(
        source=plan,
        code="test-next",
        title="下一年",
        year=year,
        acting_user=UserFactory(lead_office=True),
    )
    measure = new.measures.get(seq=1)
    assert (measure.deadline_text, measure.due_date) == (expected_text, expected_due)
