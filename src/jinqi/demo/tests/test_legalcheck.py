"""The demo's legal checks: five enterprises at five stages, loaded once."""

from __future__ import annotations

import pytest

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.legalcheck import demo_legalcheck_load
from jinqi.legalcheck.enums import CheckState
from jinqi.legalcheck.models import LegalCheck
from jinqi.registry.tests.factories import enterprise

pytestmark = pytest.mark.django_db


def test_five_checks_at_five_stages_once() -> None:
    """Requested, in progress, reported (twice: one overdue) and closed; a second run adds
    nothing."""
    enterprise(uscc=DEMO_ENTERPRISE_USCC, name="上海金山示范企业有限公司")
    for _n in range(44):
        enterprise()
    department_user("justice", username="justice")
    UserFactory(username="lead", lead_office=True)
    UserFactory(enterprise=True, enterprise_uscc=DEMO_ENTERPRISE_USCC)
    said: list[str] = []
    demo_legalcheck_load(said.append)
    states = sorted(LegalCheck.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            CheckState.REQUESTED,
            CheckState.IN_PROGRESS,
            CheckState.REPORTED,
            CheckState.REPORTED,
            CheckState.CLOSED,
        ]
    )
    demo = LegalCheck.objects.get(enterprise__uscc=DEMO_ENTERPRISE_USCC)
    assert demo.state == CheckState.REPORTED and demo.report_code
    assert demo.rectifications.count() == 2
    demo_legalcheck_load(said.append)
    assert LegalCheck.objects.count() == 5 and "kept" in said[-1]
