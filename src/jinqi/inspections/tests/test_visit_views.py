"""The visit pages: the lead office merges, a department records results and re-checks, the
enterprise reads its ledger, reports and rates; others get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.accounts.tests.factories import department_user
from jinqi.core import clock
from jinqi.inspections.enums import RectificationState, VisitState
from jinqi.inspections.models import Finding, Visit
from jinqi.inspections.tests import visit_builders as b
from jinqi.inspections.tests.test_visits import MONDAY, world  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    made = Client()
    made.force_login(user)
    return made


def _built(world) -> Visit:  # noqa: F811  # the fixture's value
    b.task(world["safety"], world["firm"], dt.date(2026, 11, 2), dt.date(2026, 11, 13))
    b.task(world["ecology"], world["firm"], dt.date(2026, 11, 9), dt.date(2026, 11, 20))
    with clock.frozen_at(MONDAY):
        response = client(world["lead"]).post(reverse("inspection_visits:build"), follow=True)
    assert "2 个任务合并为 1 次检查" in response.content.decode()
    return Visit.objects.get()


def test_from_merge_to_rating_through_the_pages(world):  # noqa: F811
    """The lead office merges; the department records a non-compliance; the enterprise sees it
    on its ledger and reports; the department passes the re-check; every item recorded, the
    visit is closed and rated."""
    visit = _built(world)
    detail = reverse("inspection_visits:detail", args=[visit.pk])
    safety, ecology, owner = (
        client(world["safety_user"]),
        client(world["ecology_user"]),
        client(world["owner"]),
    )
    items = {f.code: f.pk for f in visit.tasks.get(department=world["safety"]).plan.items.all()}
    with clock.frozen_at(dt.datetime(2026, 11, 13, 10)):
        page = safety.get(detail).content.decode()
        assert "王安全" in page and "钱环保" in page and visit.short_code in page
        safety.post(
            reverse("inspection_visits:findings_add", args=[visit.pk]),
            {
                f"result_{items['YJ-001']}": "compliant",
                f"result_{items['YJ-002']}": "non_compliant",
                f"note_{items['YJ-002']}": "危化品仓库未设置防爆灯具",
                f"days_{items['YJ-002']}": "10",
            },
        )
        assert "危化品仓库未设置防爆灯具" in ecology.get(detail).content.decode()  # 结果互认
        ledger = owner.get(reverse("inspection_visits:ledger")).content.decode()
        assert "危化品仓库未设置防爆灯具" in ledger and "2026-11-27" in ledger
        rectification = Finding.objects.get(item__code="YJ-002").rectification
        act = reverse("inspection_visits:rectification_act", args=[rectification.pk])
        owner.post(
            act,
            {
                "action": "report",
                "lock_version": rectification.lock_version,
                "text": "已更换防爆灯具",
            },
        )
        rectification.refresh_from_db()
        assert rectification.state == RectificationState.REPORTED
        safety.post(
            act,
            {"action": "pass", "lock_version": rectification.lock_version, "text": "复查合格"},
        )
        rectification.refresh_from_db()
        assert rectification.state == RectificationState.PASSED
        ecology_items = visit.tasks.get(department=world["ecology"]).plan.items.all()
        ecology.post(
            reverse("inspection_visits:findings_add", args=[visit.pk]),
            {f"result_{i.pk}": "compliant" for i in ecology_items},
        )
        visit.refresh_from_db()
        safety.post(
            reverse("inspection_visits:act", args=[visit.pk]),
            {"action": "close", "lock_version": visit.lock_version},
        )
        visit.refresh_from_db()
        assert visit.state == VisitState.DONE
        owner.post(reverse("inspection_visits:rate", args=[visit.pk]), {"score": "4"})
        assert visit.rating.score == 4
        stats = client(world["lead"]).get(reverse("inspection_visits:statistics"))
        assert "五次" in stats.content.decode() or "5" in stats.content.decode()


def test_a_department_outside_the_visit_and_another_enterprise_get_404(world):  # noqa: F811
    """结果互认 stops at the visit's departments."""
    visit = _built(world)
    detail = reverse("inspection_visits:detail", args=[visit.pk])
    assert client(department_user("finance")).get(detail).status_code == 404


def test_bad_findings_show_a_chinese_refusal_and_change_nothing(world):  # noqa: F811
    """A non-compliance without a note is refused with a message; nothing is stored."""
    visit = _built(world)
    item = visit.tasks.get(department=world["safety"]).plan.items.get(code="YJ-002")
    with clock.frozen_at(dt.datetime(2026, 11, 13, 10)):
        response = client(world["safety_user"]).post(
            reverse("inspection_visits:findings_add", args=[visit.pk]),
            {f"result_{item.pk}": "non_compliant", f"days_{item.pk}": "10"},
            follow=True,
        )
    assert "请说明" in response.content.decode() or "不符合" in response.content.decode()
    assert not Finding.objects.exists()
