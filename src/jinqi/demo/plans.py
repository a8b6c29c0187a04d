"""A believable year of the Jinshan 2022 plan for the demo: monthly reports from March to
December, reviews, returns, urging notices and the supervision log, all written through the
services with the clock set to when each thing happened. Deterministic (seeded).

The 2022 plan stays as history; it is rolled over into the plan of the demo clock's year, which
gets the reports of the months just before this one, so a department has this month to report."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jinqi.accounts.models import User
from jinqi.accounts.services import system_user
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.plans import services
from jinqi.plans.enums import DeadlineKind, MeasureStatus, Rating, ReportState, SupervisionKind
from jinqi.plans.models import Assignment, Plan, ProgressReport
from jinqi.plans.selectors import report_due_date

PLAN_CODE = "jinshan-2022"
PLAN_TITLE = "金山区聚焦“三个服务”全面推进一流营商环境建设行动方案"
PLAN_DOCUMENT = "金府办发〔2022〕7号"
FIRST_MONTH = dt.date(2022, 3, 1)
IMPORTED_AT = dt.datetime(2022, 2, 25, 9, 0)
LAST_MONTH = dt.date(2022, 12, 1)
# How many months before the current one the current year's plan has reports for.
CURRENT_HISTORY_MONTHS = 3

NARRATIVES: dict[str, tuple[str, ...]] = {
    MeasureStatus.IN_PROGRESS: (
        "本月围绕“{item}”持续推进，已完成阶段性工作，正在按计划落实后续事项。",
        "“{item}”按节点推进：本月召开专题推进会，细化任务分工，梳理问题清单并逐项销号。",
        "本月对照“{item}”开展督导自查，配合相关部门推进数据对接和流程优化。",
    ),
    MeasureStatus.COMPLETED: (
        "“{item}”已按要求完成，形成工作机制并进入巩固提升阶段。",
        "“{item}”各项任务已落实到位，相关制度文件已印发，持续跟踪成效。",
    ),
    MeasureStatus.BLOCKED: (
        "“{item}”推进受阻：需市级部门系统对接支持，已书面请示，等待答复。",
        "受疫情影响，“{item}”现场工作暂缓，已调整计划，待条件允许后恢复。",
    ),
    MeasureStatus.NOT_STARTED: ("“{item}”尚未启动，正在研究制定工作方案。",),
}
REVIEW_COMMENTS = {
    Rating.EXCELLENT: "进展扎实，举措有力，材料完整。",
    Rating.GOOD: "按节点推进，请继续巩固成效。",
    Rating.FAIR: "进展偏慢，请细化下阶段计划。",
    Rating.POOR: "进展滞后且说明不足，请加快推进。",
}
RETURN_COMMENT = "请补充本月具体工作量化数据和佐证材料后重新报送。"


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _shift(month, 1)
    return months


def current_plan_code() -> str:
    """The code of the plan the demo rolls the 2022 plan over into: the demo clock's year's."""
    return f"jinshan-{clock.today().year}"


def current_history_months() -> list[dt.date]:
    """The months of this year before the current one that the current plan has reports for
    (from March, when the plan's reporting starts)."""
    this_month = clock.today().replace(day=1)
    first = max(this_month.replace(month=3), _shift(this_month, -CURRENT_HISTORY_MONTHS))
    return _months(first, _shift(this_month, -1))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


@dataclass(order=True)
class Event:
    at: dt.datetime
    order: int
    run: Callable[[], Any]


def _status_plan(
    assignment: Assignment, months: list[dt.date], rng: random.Random
) -> dict[dt.date, str]:
    """The status the unit reports each month."""
    measure = assignment.measure
    first, last = months[0], months[-1]
    statuses: dict[dt.date, str] = {m: MeasureStatus.IN_PROGRESS for m in months}
    if measure.deadline_kind == DeadlineKind.COMPLETED:
        return dict.fromkeys(months, MeasureStatus.COMPLETED)
    done: dt.date | None = None
    if measure.deadline_kind == DeadlineKind.MONTH and measure.due_date:
        due = measure.due_date.replace(day=1)
        roll = rng.random()
        if roll < 0.78:
            done = max(first, _shift(due, -rng.randint(0, 2)))
        elif roll < 0.88:
            late = _shift(due, rng.randint(1, 2))
            done = late if late <= last else None
    elif rng.random() < 0.3:
        done = _shift(first, rng.randint(5, 9))
    blocked_from = None
    if done is None and rng.random() < 0.03:
        blocked_from = _shift(last, -rng.randint(0, 3))
    for month in months:
        if month == first and rng.random() < 0.2:
            statuses[month] = MeasureStatus.NOT_STARTED
        if done is not None and month >= done:
            statuses[month] = MeasureStatus.COMPLETED
        elif blocked_from is not None and month >= blocked_from:
            statuses[month] = MeasureStatus.BLOCKED
    return statuses


def _shift(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _text(status: str, item: str, rng: random.Random) -> str:
    return rng.choice(NARRATIVES[status]).format(item=item)


class DemoHistory:
    def __init__(
        self,
        plan: Plan,
        lead: User,
        months: list[dt.date],
        seed: int = 2022,
        with_supervision: bool = True,
    ) -> None:
        self.plan = plan
        self.lead = lead
        self.months = months
        self.with_supervision = with_supervision
        self.rng = random.Random(seed)
        self.events: list[Event] = []
        self.due_dates: dict[dt.date, dt.date] = {}
        self.staff = {u.department_id: u for u in User.objects.filter(role="department")}

    def _due(self, month: dt.date) -> dt.date:
        """The month's report due date, computed once per month rather than per assignment."""
        if month not in self.due_dates:
            self.due_dates[month] = report_due_date(month)
        return self.due_dates[month]

    def add(self, at: dt.datetime, run: Callable[[], Any]) -> None:
        self.events.append(Event(at, len(self.events), run))

    def build(self) -> None:
        punctuality: dict[int, float] = {}
        assignments = Assignment.objects.filter(measure__plan=self.plan).select_related(
            "measure", "department"
        )
        for assignment in assignments:
            p = punctuality.setdefault(assignment.department_id, self.rng.uniform(0.55, 0.98))
            self._reports(assignment, _status_plan(assignment, self.months, self.rng), p)
        if self.with_supervision:
            self._supervision()

    def _reports(self, assignment: Assignment, statuses: dict[dt.date, str], p: float) -> None:
        user = self.staff.get(assignment.department_id)
        if user is None:
            return
        previous = None
        for month, status in statuses.items():
            if (
                previous == MeasureStatus.COMPLETED
                and status == MeasureStatus.COMPLETED
                and assignment.measure.deadline_kind != DeadlineKind.COMPLETED
            ):
                break  # a completed measure needs no more monthly reports
            previous = status
            due = self._due(month)
            roll = self.rng.random()
            if roll < p:
                day = due - dt.timedelta(days=self.rng.randint(0, 6))
            elif roll < p + (1 - p) * 0.6:
                day = due + dt.timedelta(days=self.rng.randint(1, 9))
            else:
                continue  # missed this month
            day = max(day, month)
            text = _text(status, assignment.measure.reform_item, self.rng)
            self.add(_at(day, 10), self._submit(assignment, user, month, status, text))
            if month < self.months[-1] or self.rng.random() < 0.8:
                self.add(
                    _at(day + dt.timedelta(days=self.rng.randint(1, 5)), 15),
                    self._review(assignment, month),
                )
        if (
            statuses[self.months[-1]] != MeasureStatus.COMPLETED
            and assignment.measure.due_date
            and assignment.measure.due_date < self.months[-1]
        ):
            self._urge(assignment, user)

    def _submit(
        self, assignment: Assignment, user: User, month: dt.date, status: str, text: str
    ) -> Callable[[], Any]:
        def run() -> None:
            services.report_save(
                measure=assignment.measure,
                period=month,
                status=status,
                narrative=text,
                submit=True,
                acting_user=user,
            )

        return run

    def _review(self, assignment: Assignment, month: dt.date) -> Callable[[], Any]:
        def run() -> None:
            report = (
                ProgressReport.objects.filter(assignment=assignment, period=month)
                .order_by("pk")  # one a month
                .first()
            )
            if report is None or report.state != ReportState.SUBMITTED:
                return
            if self.rng.random() < 0.05:
                services.report_return(
                    report=report,
                    comment=RETURN_COMMENT,
                    expected_version=report.lock_version,
                    acting_user=self.lead,
                )
                return
            rating = self.rng.choices(list(Rating), weights=[3, 5, 2, 0.5])[0]
            public = ""
            if assignment.is_lead and month.month in (6, 9, 11):
                public = report.narrative
            services.report_review(
                report=report,
                rating=rating,
                comment=REVIEW_COMMENTS[rating],
                public_summary=public,
                expected_version=report.lock_version,
                acting_user=self.lead,
            )

        return run

    def _urge(self, assignment: Assignment, user: User) -> None:
        measure = assignment.measure
        assert measure.due_date is not None
        issued = measure.due_date + dt.timedelta(days=self.rng.randint(5, 15))
        reply_due = issued + dt.timedelta(days=7)
        replied = self.rng.random() < 0.7
        holder: dict[str, Any] = {}

        def issue() -> None:
            holder["notice"] = services.urging_issue(
                measure=measure,
                department=assignment.department,
                message=f"第{measure.seq}项“{measure.reform_item}”已超过时间节点，请于{reply_due:%m月%d日}前书面说明进展、原因及下一步安排。",
                reply_due=reply_due,
                acting_user=self.lead,
            )

        def reply() -> None:
            services.urging_reply(
                notice=holder["notice"],
                acting_user=user,
                reply="已召开专题会研究，明确责任人和完成时限，预计下月完成，将按月报送进展。",
            )

        self.add(_at(issued, 9), issue)
        if replied:
            self.add(_at(issued + dt.timedelta(days=self.rng.randint(1, 6)), 16), reply)

    def _supervision(self) -> None:
        measures = list(self.plan.measures.all())
        entries = [
            (
                SupervisionKind.MEETING,
                dt.date(2022, 4, 15),
                "优化营商环境联席会议第一次全体会议",
                "部署行动方案100项举措，明确“会、报、访、问、评、盯”工作机制和月报要求。",
            ),
            (
                SupervisionKind.VISIT,
                dt.date(2022, 6, 22),
                "走访金山工业区重点企业",
                "听取企业对园区通行、停车和共享食堂的意见，形成问题清单交相关镇、园区办理。",
            ),
            (
                SupervisionKind.MEETING,
                dt.date(2022, 7, 15),
                "联席会议半年推进会",
                "通报上半年举措完成情况，对进展滞后事项逐项分析原因并明确整改时限。",
            ),
            (
                SupervisionKind.INQUIRY,
                dt.date(2022, 9, 8),
                "约谈进展滞后事项责任单位",
                "就超期未完成事项听取责任单位说明，要求制定补救计划并每两周报送进展。",
            ),
            (
                SupervisionKind.VISIT,
                dt.date(2022, 10, 19),
                "实地查看政务服务中心综合窗口",
                "体验“前台综合受理、后台分类审批”流程，提出缩短等候时间的建议。",
            ),
            (
                SupervisionKind.MEETING,
                dt.date(2022, 12, 16),
                "联席会议年度总结会",
                "总结全年举措落实情况，开展“常评常改、以评促优”年度评价，部署下年度方案编制。",
            ),
        ]
        for kind, day, title, summary in entries:
            chosen = self.rng.sample(measures, 6)

            def run(
                kind: str = kind,
                day: dt.date = day,
                title: str = title,
                summary: str = summary,
                chosen: list[Any] = chosen,
            ) -> None:
                services.supervision_record(
                    plan=self.plan,
                    kind=kind,
                    held_on=day,
                    title=title,
                    summary=summary,
                    measures=chosen,
                    participants="区发改委、各责任单位",
                    acting_user=self.lead,
                )

            self.add(_at(day, 17), run)

    def play(self, report: Callable[[str], None]) -> None:
        """Run the events in time order, each at its moment; none after the demo clock's now."""
        now = timezone.localtime(clock.now()).replace(tzinfo=None)
        self.events = sorted(e for e in self.events if e.at <= now)
        total, skipped = len(self.events), 0
        for index, event in enumerate(self.events, start=1):
            with clock.frozen_at(event.at):
                try:
                    event.run()
                except DomainError:  # a simulated user making a mistake is fine
                    skipped += 1
            if index % 1000 == 0:
                _refresh_planner_statistics()
        _refresh_planner_statistics()
        report(f"plan {self.plan.code}: {total} events of its history, {skipped} refused")


def _refresh_planner_statistics() -> None:
    """PostgreSQL plans queries on table statistics; tables filled from empty in one transaction
    have none, and its plans turn quadratic. ANALYZE is allowed inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE plans_progressreport, plans_reportevent, plans_assignment")


def demo_plan_history_load(report: Callable[[str], None]) -> None:
    """The 2022 plan and its simulated year: the same whatever the demo clock says, so `jinqi
    demo` loads it from its recording (demo/recording.py)."""
    demo_plan_import(report, with_history=True)


def demo_plan_import(report: Callable[[str], None], *, with_history: bool = False) -> None:
    """The demo plan's measures; with its year of simulated reports and reviews for the demo
    (minutes), without them for checks that need only the measures (the API contract)."""
    if Plan.objects.filter(code=PLAN_CODE).exists():
        report(f"plan {PLAN_CODE} already loaded; kept as it is")
        return
    content = resources.files("jinqi.plans").joinpath("data/jinshan-2022.csv").read_bytes()
    # Imported before its first reporting month, as the lead office did (and so the same rows
    # whenever the demo is built: its recording compares them).
    with transaction.atomic():
        with clock.frozen_at(IMPORTED_AT):
            result = services.plan_import(
                code=PLAN_CODE,
                title=PLAN_TITLE,
                year=2022,
                document_number=PLAN_DOCUMENT,
                content=content,
                file_name="jinshan-2022.csv",
                acting_user=system_user(),
            )
        report(f"plan {PLAN_CODE}: {result.created} measures imported")
        if with_history:
            lead = User.objects.get(username="lead")
            history = DemoHistory(result.plan, lead, _months(FIRST_MONTH, LAST_MONTH))
            history.build()
            history.play(report)


def demo_plan_roll_over(report: Callable[[str], None]) -> None:
    """The lead office rolls the 2022 plan over into the demo clock's year in January, and the
    departments report the months just before this one."""
    source = Plan.objects.filter(code=PLAN_CODE).first()
    year = clock.today().year
    code = current_plan_code()
    if source is None or year <= source.year:
        return
    if Plan.objects.filter(code=code).exists():
        report(f"plan {code} already loaded; kept as it is")
        return
    lead = User.objects.get(username="lead")
    with transaction.atomic():
        with clock.frozen_at(dt.datetime(year, 1, 10, 9, 0)):
            plan = services.plan_roll_over(
                source=source,
                code=code,
                title=PLAN_TITLE.replace("行动方案", f"{year}年行动方案"),
                year=year,
                acting_user=lead,
            )
        report(f"plan {code}: rolled over from {PLAN_CODE}")
        months = current_history_months()
        if months:
            history = DemoHistory(plan, lead, months, seed=year, with_supervision=False)
            history.build()
            history.play(report)
