"""The 双随机 draw service: population from the registry by class at the lead office's ratios,
inspectors from the certified roster without conflicts, tasks, and the lead office's re-run."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.inspections import sampling, selectors, services
from jinqi.inspections.enums import PlanKind, TaskState
from jinqi.inspections.models import Draw, InspectorConflict, Task
from jinqi.inspections.tests import factories

pytestmark = pytest.mark.django_db

WINDOW = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def draw_in(plan, **data) -> services.DrawIn:
    return services.DrawIn(plan, *WINDOW, **{"seed": 20260601, **data})


@pytest.fixture
def setting():
    staff = department_user("market-regulation")
    item = factories.item(staff)
    plan = factories.plan(staff, [item])
    firms = [factories.classed(cls) for cls in "AAAAABBBCD"]
    inspectors = [factories.inspector(staff) for _ in range(4)]
    return staff, plan, firms, inspectors, item


def test_draw_takes_ceil_of_each_class_and_makes_tasks(setting) -> None:
    """Ratios 5/20/60/100 %: A 5→1, B 3→1, C 1→1, D 1→1; each drawn firm gets a task with the
    plan's items and two inspectors of the roster."""
    staff, plan, firms, _inspectors, item = setting
    draw = services.draw_make(data=draw_in(plan), acting_user=staff)
    assert draw.class_counts == {"A": 5, "B": 3, "C": 1, "D": 1}
    assert len(draw.result) == 4
    tasks = Task.objects.filter(draw=draw)
    assert tasks.count() == 4
    task = tasks.first()
    assert task is not None
    assert task.state == TaskState.OPEN and list(task.items.all()) == [item]
    assert task.inspectors.count() == 2
    assert draw.algorithm == sampling.ALGORITHM
    assert draw.population_hashes["A"] == sampling.population_hash(
        [f.uscc for f in firms if f.profile.market_risk_class == "A"]
    )


def test_same_seed_same_result_and_rerun_agrees(setting) -> None:
    """The lead office's re-run gives the published list; the CLI's sample gives the same
    enterprises from the same population and seed."""
    staff, plan, *_ = setting
    draw = services.draw_make(data=draw_in(plan), acting_user=staff)
    rerun = services.draw_rerun(draw=draw, acting_user=UserFactory(lead_office=True))
    assert rerun.same and rerun.hashes_match
    members = [sampling.Member(c, u) for c, codes in draw.population.items() for u in codes]
    ratios = {c: sampling.Decimal(r) for c, r in draw.ratios.items()}
    assert [m.uscc for m in sampling.sample(members, ratios, draw.seed)] == [
        row["uscc"] for row in draw.result
    ]


def test_rerun_is_for_the_lead_office(setting) -> None:
    """A department cannot re-run a draw."""
    staff, plan, *_ = setting
    draw = services.draw_make(data=draw_in(plan), acting_user=staff)
    with pytest.raises(PermissionDenied):
        services.draw_rerun(draw=draw, acting_user=staff)


def test_conflicts_and_expired_certificates_are_excluded(setting) -> None:
    """An inspector with a declared conflict is never drawn for that firm; one whose
    certificate ends inside the window is never drawn at all."""
    staff, plan, firms, inspectors, _ = setting
    expired = factories.inspector(staff, valid_to=dt.date(2026, 6, 15))
    for firm in firms:
        services.conflict_declare(
            inspector=inspectors[0], uscc=firm.uscc, reason="亲属任职", acting_user=staff
        )
    draw = services.draw_make(data=draw_in(plan), acting_user=staff)
    used = {c for row in draw.result for c in row["inspectors"]}
    assert inspectors[0].certificate_number not in used
    assert expired.certificate_number not in used
    assert expired.certificate_number not in draw.roster
    assert InspectorConflict.objects.count() == len(firms)


def test_too_few_inspectors_is_refused_and_nothing_is_written(setting) -> None:
    """Asking for more inspectors than the roster has is refused; no draw, no task."""
    staff, plan, *_ = setting
    with pytest.raises(DomainError):
        services.draw_make(data=draw_in(plan, per_enterprise=5), acting_user=staff)
    assert not Draw.objects.exists() and not Task.objects.exists()


def test_draw_needs_a_filed_plan_of_ones_own(setting) -> None:
    """A plan not filed, or another department's, is refused."""
    staff, plan, *_ = setting
    special = services.plan_create(
        data=services.PlanIn(year=2026, kind=PlanKind.SPECIAL, title="专项"), acting_user=staff
    )
    with pytest.raises(DomainError):
        services.draw_make(data=draw_in(special), acting_user=staff)
    other = department_user("emergency-management")
    factories.inspector(other)
    with pytest.raises(DomainError):
        services.draw_make(data=draw_in(plan), acting_user=other)


def test_population_filters_by_industry_town_and_size(setting) -> None:
    """Only firms of the industry prefix and town enter the population."""
    staff, plan, *_ = setting
    other_town = Department.objects.get(code="town-zhujing")
    factories.classed("A", town=other_town)
    draw = services.draw_make(
        data=draw_in(plan, industry_prefix="C26", town=other_town), acting_user=staff
    )
    assert draw.class_counts == {"A": 1, "B": 0, "C": 0, "D": 0}
    empty = services.DrawIn(plan, *WINDOW, industry_prefix="A01", seed=1)
    with pytest.raises(DomainError):
        services.draw_make(data=empty, acting_user=staff)


def test_public_draw_hides_the_population(setting) -> None:
    """The public read leaves out the classes' members."""
    staff, plan, *_ = setting
    draw = services.draw_make(data=draw_in(plan), acting_user=staff)
    public = selectors.draw_public(draw.number)
    assert set(public.get_deferred_fields()) >= {"population", "roster", "conflicts"}
