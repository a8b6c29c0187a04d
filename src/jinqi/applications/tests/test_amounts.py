"""An amount computed from an application's figures (金经委规〔2023〕2号 第3条, ADR 0017): shown
to the enterprise and the reviewer with its calculation, and approved unless the reviewer
states another amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from jinqi.applications.definition import Definition, FormField, ReviewStep
from jinqi.applications.enums import FieldKind, Reviewer
from jinqi.applications.models import Application
from jinqi.applications.services import (
    application_accept,
    application_answers_save,
    application_review_pass,
    application_start,
    application_submit,
)
from jinqi.applications.tests.factories import (
    applicant,
    applicant_enterprise,
    applying_policy,
    staff,
)
from jinqi.core.errors import DomainError
from jinqi.policies.amounts import amount_validate
from jinqi.policies.evaluation import amount_for
from jinqi.policies.models import Policy

pytestmark = pytest.mark.django_db

UPGRADE = Definition(
    fields=(
        FormField(
            "fixed_asset_investment", "项目固定资产投资（万元）", FieldKind.NUMBER, minimum=0
        ),
        FormField(
            "hardware_software_investment", "软硬件投资（万元）", FieldKind.NUMBER, minimum=0
        ),
    ),
    steps=(ReviewStep("区经委审核", Reviewer.DEPARTMENT, 5),),
)


def _upgrade_policy() -> Policy:
    existing = Policy.objects.filter(code="test-tech-upgrade").first()
    if existing is not None:
        return existing
    shipped = Policy.objects.get(code="jinshan-tech-upgrade")
    return applying_policy(
        code="test-tech-upgrade",
        sql="TRUE",
        form=UPGRADE,
        amount_expression=shipped.amount_expression,
        amount_calculation=shipped.amount_calculation,
        amount_answers=tuple(shipped.amount_answers),
    )


def _submitted(fixed: float, hardware: float) -> Application:
    user = applicant(applicant_enterprise())
    application = application_start(policy=_upgrade_policy(), acting_user=user)
    application_answers_save(
        application=application,
        answers={"fixed_asset_investment": fixed, "hardware_software_investment": hardware},
        acting_user=user,
    )
    return application_submit(
        application=application, lock_version=application.lock_version, acting_user=user
    )


def test_the_reviewer_and_the_enterprise_see_the_amount_and_its_calculation() -> None:
    """Both pages show the amount computed from the figures (10 % of 4,000 万元 is capped at 300)
    and the calculation in words."""
    application = _submitted(5000, 4000)
    reviewer = Client()
    reviewer.force_login(staff())
    page = reviewer.get(reverse("applications:review_detail", args=[application.reference]))
    text = page.content.decode()
    assert "300" in text and "核定软硬件投资 4,000 万元 × 10%" in text
    owner = Client()
    owner.force_login(application.applicant)
    mine = owner.get(reverse("applications:detail", args=[application.reference])).content
    assert "单个项目最高 300 万元：补贴 300 万元" in mine.decode()


def test_approval_pays_the_computed_amount_unless_the_reviewer_states_another() -> None:
    """Passed at the last step without an amount, the application is approved for the amount
    computed from its figures, to the yuan; a stated amount (the department's own finding on
    the investment) wins."""
    owner = staff()
    for fixed, hardware, stated, approved in (
        (800, 456.789, None, Decimal("45.6789")),
        (499.9999, 499.9999, None, Decimal(0)),
        (900, 900, Decimal("80"), Decimal("80")),
    ):
        application = _submitted(fixed, hardware)
        application = application_accept(
            application=application, lock_version=application.lock_version, acting_user=owner
        )
        application = application_review_pass(
            application=application,
            lock_version=application.lock_version,
            approved_amount=stated,
            acting_user=owner,
        )
        assert application.approved_amount == approved


def test_a_policy_whose_amount_reads_an_application_states_no_amount_from_the_profile() -> None:
    """`policies evaluate` has no application: the amount is null and says where it comes from."""
    shipped = Policy.objects.get(code="jinshan-tech-upgrade")
    amount = amount_for(shipped, {}, shipped.valid_from, True)
    assert amount is not None and amount.value is None
    assert amount.json()["value"] is None


def test_an_amount_expression_reading_a_figure_not_named_is_refused() -> None:
    """A figure the policy does not name as an application figure is not a profile field."""
    with pytest.raises(DomainError):
        amount_validate("made_up_figure * 0.1", [])
    amount_validate("made_up_figure * 0.1", [], ("made_up_figure",))
