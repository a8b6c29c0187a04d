"""The application workflow through its services: prefill, conditional fields, every
transition (legal or not), permissions, optimistic locking, publicity and payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import product

import pytest

from jinqi.accounts.tests.factories import UserFactory
from jinqi.applications.enums import Admission
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application, ApplicationTransition, Attachment, Objection
from jinqi.applications.services import (
    FormSettings,
    application_accept,
    application_answers_save,
    application_disburse,
    application_reject,
    application_return,
    application_review_pass,
    application_start,
    application_submit,
    applications_publicise,
    attachment_add,
    drafts_remind_stale,
    form_save,
    objection_raise,
    submission_problems,
)
from jinqi.applications.tests.factories import (
    COMPLETE_ANSWERS,
    applicant,
    applicant_enterprise,
    applying_policy,
    definition,
    in_publicity,
    pdf,
    staff,
    submitted,
)
from jinqi.applications.workflow import WORKFLOW
from jinqi.core import clock
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.notifications.enums import Channel
from jinqi.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_whole_way_from_draft_to_payment() -> None:
    owner = staff()
    lead = UserFactory(lead_office=True)
    item = applying_policy(owner, grant_amount="20")
    company = applicant_enterprise(120, contact_phone="13800000000")
    user = applicant(company)
    application = submitted(item, user)
    assert application.state == S.SUBMITTED
    assert application.prefilled["employees"]["value"] == 120
    assert application.prefilled["employees"]["source"]
    assert application.deadline is not None

    application = application_return(
        application=application,
        lock_version=application.lock_version,
        comment="计划书缺少预算表",
        acting_user=owner,
    )
    assert application.state == S.RETURNED
    application = application_submit(
        application=application, lock_version=application.lock_version, acting_user=user
    )
    application = application_accept(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    assert (application.state, application.step) == (S.IN_REVIEW, 0)
    application = application_review_pass(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    assert (application.state, application.step) == (S.IN_REVIEW, 1)
    with pytest.raises(PermissionDenied):  # the second step is the lead office's
        application_review_pass(
            application=application, lock_version=application.lock_version, acting_user=owner
        )
    application = application_review_pass(
        application=application,
        lock_version=application.lock_version,
        acting_user=lead,
        approved_amount=Decimal("18.5"),
    )
    assert application.state == S.APPROVED
    assert application.approved_amount == Decimal("18.5")

    batch = applications_publicise(policy=item, applications=[application], acting_user=owner)
    application.refresh_from_db()
    assert application.state == S.PUBLICITY
    assert application.batch == batch
    with pytest.raises(DomainError, match=r"公示|notice"):
        application_disburse(
            application=application,
            lock_version=application.lock_version,
            amount=Decimal("18.5"),
            paid_on=clock.today(),
            acting_user=owner,
        )
    clock.advance(dt.timedelta(days=14))
    application = application_disburse(
        application=application,
        lock_version=application.lock_version,
        amount=Decimal("18.5"),
        paid_on=clock.today(),
        acting_user=owner,
    )
    assert application.state == S.DISBURSED
    path = list(application.transitions.values_list("from_state", "to_state"))
    assert path == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "in_review"),
        ("in_review", "approved"),
        ("approved", "publicity"),
        ("publicity", "disbursed"),
    ]
    # 进度推送: every transition reached the enterprise's inbox and its phone.
    assert Notification.objects.filter(recipient=user, kind="applications.progress").count() == 8
    assert OutboxMessage.objects.filter(channel=Channel.SMS, address="13800000000").count() == 8


def test_prefilled_fields_are_not_asked_and_missing_ones_are() -> None:
    item = applying_policy()
    known, unknown = applicant_enterprise(80), applicant_enterprise(None)
    for company, asked in ((known, False), (unknown, True)):
        user = applicant(company)
        application = application_start(policy=item, acting_user=user)
        application_answers_save(
            application=application, answers=COMPLETE_ANSWERS, acting_user=user
        )
        problems = submission_problems(application)
        assert ("employees" in problems) is asked


def test_a_conditional_field_is_required_only_when_shown() -> None:
    item = applying_policy()
    user = applicant(applicant_enterprise())
    application = application_start(policy=item, acting_user=user)
    application_answers_save(
        application=application,
        answers={"project_name": "x", "has_export": True},
        acting_user=user,
    )
    assert "export_revenue" in submission_problems(application)
    application_answers_save(
        application=application,
        answers={"project_name": "x", "has_export": False, "export_revenue": -5},
        acting_user=user,
    )
    # Hidden: neither required nor validated (and dropped on submission).
    assert "export_revenue" not in submission_problems(application)


def test_submission_refuses_an_incomplete_application_and_changes_nothing() -> None:
    item = applying_policy()
    user = applicant(applicant_enterprise())
    application = application_start(policy=item, acting_user=user)
    application_answers_save(
        application=application,
        answers={"has_export": True, "export_revenue": -1},
        acting_user=user,
    )
    with pytest.raises(DomainError) as refused:
        application_submit(
            application=application, lock_version=application.lock_version, acting_user=user
        )
    assert "项目名称" in refused.value.message
    assert "上传" in refused.value.message or "Upload" in refused.value.message
    problems = refused.value.details
    assert isinstance(problems, dict)
    assert set(problems) >= {"project_name", "export_revenue", "material:business_plan"}
    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert not application.transitions.exists()


def test_starting_twice_returns_the_same_draft() -> None:
    item = applying_policy()
    user = applicant(applicant_enterprise())
    first = application_start(policy=item, acting_user=user)
    second = application_start(policy=item, acting_user=user)
    assert first.pk == second.pk
    assert Application.objects.count() == 1
    assert first.reference.startswith("SQ")


def test_guidance_refuses_an_ineligible_enterprise_when_the_form_says_so() -> None:
    owner = staff()
    item = applying_policy(owner)
    form_save(
        policy=item,
        definition=definition(),
        acting_user=owner,
        settings=FormSettings(admission=Admission.ELIGIBLE),
    )
    big = applicant(applicant_enterprise(5000))
    unknown = applicant(applicant_enterprise(None))
    for user in (big, unknown):
        with pytest.raises(DomainError, match=r"不符合|qualify|not taking"):
            application_start(policy=item, acting_user=user)
    assert not Application.objects.exists()


ALL_STATES = list(S.values)


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in product(ALL_STATES, ALL_STATES) if pair not in WORKFLOW.edges()],
)
def test_every_illegal_transition_is_refused(source: str, target: str) -> None:
    owner = staff()
    item = applying_policy(owner)
    user = applicant(applicant_enterprise())
    application = application_start(policy=item, acting_user=user)
    Application.objects.filter(pk=application.pk).update(state=source)
    application.refresh_from_db()
    reaching = [t.action for t in WORKFLOW.transitions if t.target == target]
    for actor in (owner, user, UserFactory(lead_office=True)):
        for action in reaching:
            with pytest.raises(DomainError, match=r"not possible|不能"):
                WORKFLOW.apply(
                    application,
                    action,
                    lock_version=application.lock_version,
                    acting_user=actor,
                    text="x",
                )
    application.refresh_from_db()
    assert application.state == source
    assert not ApplicationTransition.objects.filter(application=application).exists()


def test_another_department_and_another_enterprise_cannot_act() -> None:
    item = applying_policy()
    user = applicant(applicant_enterprise())
    application = submitted(item, user)
    stranger_staff = staff("commerce")
    stranger = applicant(applicant_enterprise())
    with pytest.raises(PermissionDenied):
        application_accept(
            application=application,
            lock_version=application.lock_version,
            acting_user=stranger_staff,
        )
    with pytest.raises(PermissionDenied):
        application_answers_save(application=application, answers={}, acting_user=stranger)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_two_reviewers_at_once_the_second_is_told_and_overwrites_nothing() -> None:
    owner, colleague = staff(), staff()
    item = applying_policy(owner)
    application = submitted(item, applicant(applicant_enterprise()))
    seen = application.lock_version
    first_view = Application.objects.get(pk=application.pk)
    second_view = Application.objects.get(pk=application.pk)
    application_accept(application=first_view, lock_version=seen, acting_user=owner)
    with pytest.raises(ConflictError, match=r"reload|刷新|重新"):
        application_reject(
            application=second_view, lock_version=seen, reason="不符合条件", acting_user=colleague
        )
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW
    assert application.transitions.filter(to_state=S.REJECTED).count() == 0


def test_a_rejection_needs_a_reason() -> None:
    owner = staff()
    application = submitted(applying_policy(owner), applicant(applicant_enterprise()))
    with pytest.raises(DomainError, match=r"reason|理由|原因"):
        application_reject(
            application=application,
            lock_version=application.lock_version,
            reason=" ",
            acting_user=owner,
        )
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_an_open_objection_blocks_payment() -> None:
    owner = staff()
    application, batch = in_publicity(owner)
    objection_raise(
        batch=batch, application=application, text="该企业不在本区经营", contact="张先生"
    )
    clock.advance(dt.timedelta(days=14))
    application.refresh_from_db()
    with pytest.raises(DomainError, match=r"objection|异议"):
        application_disburse(
            application=application,
            lock_version=application.lock_version,
            amount=Decimal("10"),
            paid_on=clock.today(),
            acting_user=owner,
        )
    assert Application.objects.get(pk=application.pk).state == S.PUBLICITY


def test_the_same_objection_twice_is_kept_once() -> None:
    """The same objection to the same application from the same contact, while the first is
    unanswered, is refused with a message and not stored; a different one is taken."""
    application, batch = in_publicity(staff())
    objection_raise(batch=batch, application=application, text="该企业不在本区经营", contact="张")
    with pytest.raises(DomainError, match="该异议已收到"):
        objection_raise(
            batch=batch, application=application, text="该企业不在本区经营", contact="张"
        )
    assert Objection.objects.count() == 1
    objection_raise(batch=batch, application=application, text="另一件事", contact="张")
    assert Objection.objects.count() == 2


def test_stale_drafts_are_reminded_never_deleted() -> None:
    item = applying_policy()
    user = applicant(applicant_enterprise())
    application = application_start(policy=item, acting_user=user)
    clock.advance(dt.timedelta(days=400))
    assert drafts_remind_stale() == 1
    assert drafts_remind_stale() == 0  # once per quiet period
    assert Application.objects.filter(pk=application.pk, state=S.DRAFT).exists()
    assert Notification.objects.filter(recipient=user, kind="applications.draft_kept").exists()


def test_attachments_only_for_materials_the_form_asks() -> None:
    item = applying_policy()
    user = applicant(applicant_enterprise())
    application = application_start(policy=item, acting_user=user)
    for material in ("tax_clearance", "nonsense"):  # held by the government / unknown
        with pytest.raises(DomainError):
            attachment_add(application=application, material=material, file=pdf(), acting_user=user)
    assert not Attachment.objects.exists()
