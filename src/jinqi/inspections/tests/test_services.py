"""Items, checklists, plans and the roster: each department its own, only published items
used, plans filed before use, special plans approved and published within a month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.inspections import selectors, services
from jinqi.inspections.enums import PlanKind, PlanState
from jinqi.inspections.models import Plan
from jinqi.inspections.tests import factories
from jinqi.inspections.workflow import PLAN_WORKFLOW

pytestmark = pytest.mark.django_db


def test_department_sees_only_its_own_items() -> None:
    """Another department's item is a 404; the lead office sees every department's."""
    safety = department_user("emergency-management")
    environment = department_user("ecology-environment")
    own = factories.item(safety)
    assert list(selectors.items_for(safety)) == [own]
    assert list(selectors.items_for(environment)) == []
    with pytest.raises(Http404):
        selectors.item_for(environment, own.pk)
    assert own in selectors.items_for(UserFactory(lead_office=True))
    with pytest.raises(Http404):
        selectors.items_for(UserFactory(enterprise=True))


def test_item_code_is_once_per_department() -> None:
    """A department cannot have two items with one code; another department can."""
    safety = department_user("emergency-management")
    factories.item(safety, code="AQ-1")
    with pytest.raises(DomainError, match="编码"):
        factories.item(safety, code="AQ-1")
    factories.item(department_user("ecology-environment"), code="AQ-1")


def test_item_needs_its_legal_basis() -> None:
    """An item without a legal basis is refused."""
    with pytest.raises(DomainError):
        factories.item(department_user("emergency-management"), legal_basis=" ")


def test_another_department_cannot_change_or_publish_an_item() -> None:
    """Publishing another department's item is refused and changes nothing."""
    item = factories.item(department_user("emergency-management"), publish=False)
    with pytest.raises(PermissionDenied):
        services.item_publish(item=item, acting_user=department_user("ecology-environment"))
    item.refresh_from_db()
    assert not item.is_published


def checklist_in(items: list, **data: object) -> services.ChecklistIn:
    values: dict = {
        "name": "化工企业安全环保体检单",
        "industry_prefixes": ["C26"],
        "drafted_by": "上海化工研究院",
        "description": "",
        "item_ids": [i.pk for i in items],
        **data,
    }
    return services.ChecklistIn(**values)


def test_safety_and_environment_checklist_is_owned_by_a_department() -> None:
    """The 安全+环保 checklist joins both departments' published items; the owning department
    is the one that made it, the institution only drafted it."""
    safety = department_user("emergency-management")
    environment = department_user("ecology-environment")
    items = [factories.item(safety), factories.item(environment)]
    checklist = services.checklist_save(data=checklist_in(items), acting_user=safety)
    assert checklist.department == safety.department
    assert checklist.drafted_by == "上海化工研究院"
    assert list(checklist.items.all()) == items
    with pytest.raises(Http404):
        selectors.checklist_for(environment, checklist.pk)


def test_checklist_refuses_unpublished_items_and_unknown_industries() -> None:
    """Only published items may be used; an industry code must exist; nothing is saved."""
    safety = department_user("emergency-management")
    draft = factories.item(safety, publish=False)
    with pytest.raises(DomainError, match=r"published|公布"):
        services.checklist_save(data=checklist_in([draft]), acting_user=safety)
    published = factories.item(safety)
    with pytest.raises(DomainError):
        services.checklist_save(
            data=checklist_in([published], industry_prefixes=["Z99"]), acting_user=safety
        )
    assert not selectors.checklists_for(safety).exists()


def test_planned_plan_is_filed_and_usable() -> None:
    """A planned inspection is filed with its date; it is then among the usable plans."""
    staff = department_user("market-regulation")
    plan = factories.plan(staff, [factories.item(staff)])
    assert plan.state == PlanState.FILED and plan.filed_on == clock.today()
    assert plan in selectors.plans_filed_for(staff)


def test_triggered_plan_needs_its_reason() -> None:
    """A triggered inspection without its reason is refused; with it, filed."""
    staff = department_user("market-regulation")
    with pytest.raises(DomainError):
        factories.plan(staff, kind=PlanKind.TRIGGERED)
    plan = factories.plan(
        staff, kind=PlanKind.TRIGGERED, reason_kind="complaint", reason="群众举报无证经营"
    )
    assert plan.state == PlanState.FILED and plan.reason_kind == "complaint"


def test_plan_uses_only_its_own_departments_published_items() -> None:
    """Another department's item cannot be in a plan."""
    staff = department_user("market-regulation")
    other = factories.item(department_user("emergency-management"))
    with pytest.raises(DomainError):
        factories.plan(staff, [other])


def test_special_plan_approved_then_published_within_a_month() -> None:
    """A special plan waits for the lead office; approved on 01-31 it is due by 02-28 and is
    filed when published in time; later it is refused."""
    staff = department_user("market-regulation")
    lead = UserFactory(lead_office=True)
    with clock.frozen_at(dt.datetime(2026, 1, 31, 9, tzinfo=dt.UTC)):
        plan = factories.plan(staff, kind=PlanKind.SPECIAL)
        assert plan.state == PlanState.SUBMITTED
        assert plan not in selectors.plans_filed_for(staff)
        with pytest.raises(PermissionDenied):
            services.plan_step(
                plan=plan, action="approve", lock_version=plan.lock_version, acting_user=staff
            )
        plan = services.plan_step(
            plan=plan, action="approve", lock_version=plan.lock_version, acting_user=lead
        )
    assert plan.publish_due == dt.date(2026, 2, 28)
    late = Plan.objects.get(pk=plan.pk)
    with clock.frozen_at(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)), pytest.raises(DomainError):
        services.plan_step(
            plan=late, action="publish", lock_version=late.lock_version, acting_user=staff
        )
    with clock.frozen_at(dt.datetime(2026, 2, 27, 9, tzinfo=dt.UTC)):
        plan = services.plan_step(
            plan=plan, action="publish", lock_version=plan.lock_version, acting_user=staff
        )
    assert plan.state == PlanState.FILED
    assert plan.published_on == dt.date(2026, 2, 27) and plan.filed_on == dt.date(2026, 2, 27)


def test_special_plan_cannot_be_filed_directly() -> None:
    """Filing a special plan without approval is refused."""
    staff = department_user("market-regulation")
    plan = services.plan_create(
        data=services.PlanIn(year=2026, kind=PlanKind.SPECIAL, title="专项检查"), acting_user=staff
    )
    with pytest.raises(DomainError):
        services.plan_step(
            plan=plan, action="file", lock_version=plan.lock_version, acting_user=staff
        )


def test_plan_workflow_allows_only_declared_moves() -> None:
    """Every state × action × actor: only the declaration's moves pass."""
    staff = department_user("market-regulation")
    lead = UserFactory(lead_office=True)

    def plan_in(state: str) -> Plan:
        plan = services.plan_create(
            data=services.PlanIn(year=2026, kind=PlanKind.SPECIAL, title="专项"),
            acting_user=staff,
        )
        today = clock.today()
        Plan.objects.filter(pk=plan.pk).update(
            state=state, filed_on=today, approved_on=today, published_on=today
        )
        plan.refresh_from_db()
        return plan

    tried = assert_only_declared_moves(
        PLAN_WORKFLOW, plan_in, {"department": staff, "lead_office": lead}
    )
    assert tried > 0


def test_roster_refuses_a_repeated_certificate() -> None:
    """A certificate number is on one roster only."""
    staff = department_user("market-regulation")
    factories.inspector(staff, certificate_number="310116001")
    with pytest.raises(DomainError):
        factories.inspector(department_user("emergency-management"), certificate_number="310116001")
