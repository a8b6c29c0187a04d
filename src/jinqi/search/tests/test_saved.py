"""Saved searches: a new matching policy is notified once; what matched when saving is not."""

from __future__ import annotations

import pytest

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core.errors import DomainError
from jinqi.notifications.models import Notification
from jinqi.policies import services as policy_services
from jinqi.policies.services import PolicyData
from jinqi.policies.tests.factories import policy
from jinqi.search.alerts import NOTICE_KIND
from jinqi.search.query import Filters
from jinqi.search.services import saved_search_create

pytestmark = pytest.mark.django_db


def _notices(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=NOTICE_KIND).values_list(
            "title", flat=True
        )
    )


def test_a_new_matching_policy_is_notified_once() -> None:
    """Publishing a policy that matches a saved search sends one notice; saving the policy
    again, or withdrawing and republishing it, sends none."""
    firm_user = UserFactory(enterprise=True)
    saved_search_create(query="数字化转型", filters=Filters(), acting_user=firm_user)
    staff = department_user("economy")
    made = policy(staff, code="digital-2027", title="中小企业数字化转型补贴")
    assert _notices(firm_user) == []  # a draft is not public
    policy_services.policy_publish(policy=made, acting_user=staff)
    [title] = _notices(firm_user)
    assert "数字化转型" in title and "中小企业数字化转型补贴" in title
    data = PolicyData(
        code=made.code,
        title=made.title,
        document_number=made.document_number,
        valid_from=made.valid_from,
        summary=made.summary + "支持上云用数赋智。",
        benefit=made.benefit,
        delivery=made.delivery,
    )
    policy_services.policy_update(policy=made, data=data, acting_user=staff)
    policy_services.policy_withdraw(policy=made, acting_user=staff)
    made.refresh_from_db()
    policy_services.policy_publish(policy=made, acting_user=staff)
    assert len(_notices(firm_user)) == 1


def test_what_matched_when_saving_is_not_notified() -> None:
    """A policy already matching when the search is saved is not news; a changed text that
    starts to match another saved search is."""
    staff = department_user("economy")
    existing = policy(staff, code="green-2027", title="绿色工厂创建奖励")
    policy_services.policy_publish(policy=existing, acting_user=staff)
    firm_user = UserFactory(enterprise=True)
    saved_search_create(query="绿色工厂", filters=Filters(), acting_user=firm_user)
    saved_search_create(query="碳足迹", filters=Filters(), acting_user=firm_user)
    data = PolicyData(
        code=existing.code,
        title=existing.title,
        document_number=existing.document_number,
        valid_from=existing.valid_from,
        summary="对开展产品碳足迹核算的绿色工厂给予奖励。",
        benefit=existing.benefit,
        delivery=existing.delivery,
    )
    policy_services.policy_update(policy=existing, data=data, acting_user=staff)
    [title] = _notices(firm_user)
    assert "碳足迹" in title


def test_filters_of_a_saved_search_apply() -> None:
    """A saved search limited to one department hears nothing of another's policy."""
    firm_user = UserFactory(enterprise=True)
    saved_search_create(
        query="人才公寓", filters=Filters(department="science"), acting_user=firm_user
    )
    staff = department_user("economy")
    made = policy(staff, code="talent-flat", title="人才公寓租金补贴")
    policy_services.policy_publish(policy=made, acting_user=staff)
    assert _notices(firm_user) == []


def test_saving_refuses_an_empty_or_oversized_query() -> None:
    """A query of only punctuation, or longer than 200 characters, is refused in Chinese."""
    firm_user = UserFactory(enterprise=True)
    with pytest.raises(DomainError):
        saved_search_create(query="，。！", filters=Filters(), acting_user=firm_user)
    with pytest.raises(DomainError, match="200"):
        saved_search_create(query="企" * 201, filters=Filters(), acting_user=firm_user)
