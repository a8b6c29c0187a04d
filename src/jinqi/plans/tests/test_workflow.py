"""The progress report workflow through the one mechanism: every state × action × actor, and the
log row each step writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.plans.enums import MeasureStatus, Rating, ReportEventKind, ReportState
from jinqi.plans.models import Plan, ProgressReport, ReportEvent
from jinqi.plans.tests.factories import import_plan, small_plan_csv
from jinqi.plans.workflow import DEPARTMENT, LEAD_OFFICE, REPORT_WORKFLOW

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 7, 15, 10, 0)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with clock.frozen_at(NOW), translation.override("en"):
        yield


@pytest.fixture
def plan() -> Plan:
    return import_plan(small_plan_csv())


@pytest.fixture
def reporter() -> User:
    return department_user("market-regulation")


def report_in(plan: Plan, state: str) -> ProgressReport:
    """A fresh July report of measure 1 (区市场监管局) in `state`."""
    ProgressReport.objects.all().delete()
    reviewed = state == ReportState.REVIEWED
    return ProgressReport.objects.create(
        assignment=plan.measures.get(seq=1).assignments.get(),
        period=dt.date(2022, 7, 1),
        status=MeasureStatus.IN_PROGRESS,
        narrative="进展",
        state=state,
        rating=Rating.GOOD if reviewed else "",
        created_by=department_user("market-regulation"),
        created_at=clock.now(),
    )


def test_only_the_declared_moves_are_possible(plan: Plan, reporter: User) -> None:
    """Every state × action × actor: the department submits, the lead office reviews, returns and
    publishes; every other combination is refused and leaves the report as it was."""
    users = {DEPARTMENT: reporter, LEAD_OFFICE: UserFactory(lead_office=True)}
    tried = assert_only_declared_moves(REPORT_WORKFLOW, lambda s: report_in(plan, s), users)
    assert tried == len(ReportState.values) * len(REPORT_WORKFLOW.transitions) * len(users)


def test_another_department_cannot_submit(plan: Plan) -> None:
    """A department that is not responsible for the measure does not act as its reporter."""
    report = report_in(plan, ReportState.DRAFT)
    refusal = REPORT_WORKFLOW.refusal(
        report, REPORT_WORKFLOW.transition("submit"), department_user("finance")
    )
    assert refusal is not None
    assert refusal.message == "Only the measure's responsible units can report on it."


def test_a_step_writes_its_report_event(plan: Plan, reporter: User) -> None:
    """Submitting through the workflow logs one ReportEvent with the actor and the time."""
    report = report_in(plan, ReportState.DRAFT)
    step = REPORT_WORKFLOW.apply(
        report, "submit", lock_version=report.lock_version, acting_user=reporter
    )
    event = ReportEvent.objects.get()
    assert step.log == event
    assert (event.kind, event.actor, event.at) == (ReportEventKind.SUBMITTED, reporter, clock.now())
    report.refresh_from_db()
    assert (report.state, report.lock_version) == (ReportState.SUBMITTED, 2)
