"""Policies that take applications, their forms and applicants, for tests (through services)."""

from __future__ import annotations

from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.applications.definition import Definition, FormField, Material, ReviewStep, ShowWhen
from jinqi.applications.enums import Admission, FieldKind, Reviewer
from jinqi.applications.models import Application, ApplicationForm, PublicityBatch
from jinqi.applications.services import (
    FormSettings,
    application_accept,
    application_answers_save,
    application_review_pass,
    application_start,
    application_submit,
    applications_publicise,
    attachment_add,
    form_save,
)
from jinqi.demo.applications import PLAN_PDF
from jinqi.policies.enums import Delivery
from jinqi.policies.models import Policy
from jinqi.policies.services import policy_publish
from jinqi.policies.tests.factories import employer, policy
from jinqi.registry.models import Enterprise

DEPARTMENT = "economy"

# A minimal valid PDF (the upload component checks content, not names).
PDF = PLAN_PDF


def definition(*, lead_review: bool = True) -> Definition:
    steps = [ReviewStep(label="部门审核", reviewer=Reviewer.DEPARTMENT, days=5)]
    if lead_review:
        steps.append(ReviewStep(label="牵头部门复核", reviewer=Reviewer.LEAD_OFFICE, days=3))
    return Definition(
        fields=(
            FormField("project_name", "项目名称", FieldKind.TEXT, max_length=100),
            FormField("employees", "从业人数", FieldKind.INTEGER, prefill="employees"),
            FormField("has_export", "是否有出口业务", FieldKind.BOOLEAN),
            FormField(
                "export_revenue",
                "出口额（万元）",
                FieldKind.NUMBER,
                minimum=0,
                show_when=ShowWhen("has_export", True),
            ),
            FormField("note", "补充说明", FieldKind.TEXTAREA, required=False),
        ),
        materials=(
            Material("business_plan", "项目计划书"),
            Material("tax_clearance", "完税证明", held_by="tax-jinshan"),
        ),
        steps=tuple(steps),
    )


def staff(code: str = DEPARTMENT) -> User:
    return department_user(code)


def applying_policy(
    acting_user: User | None = None,
    *,
    code: str = "test-apply-subsidy",
    sql: str = "employees <= 300",
    form: Definition | None = None,
    settings: FormSettings | None = None,
    **data: Any,
) -> Policy:
    """A published policy that takes applications, with a form (version 1)."""
    owner = acting_user or staff()
    item = policy(owner, code=code, sql=sql, delivery=Delivery.APPLY, **data)
    policy_publish(policy=item, acting_user=owner)
    form_save(
        policy=item,
        definition=form or definition(),
        settings=settings or FormSettings(admission=Admission.ELIGIBLE_OR_UNKNOWN),
        acting_user=owner,
    )
    return item


def current_form(item: Policy) -> ApplicationForm:
    return item.forms.order_by("-number")[0]


def applicant_enterprise(employees: int | None = 120, **data: Any) -> Enterprise:
    return employer(employees, **data)


def applicant(enterprise: Enterprise) -> User:
    return cast(User, UserFactory(enterprise=True, enterprise_uscc=enterprise.uscc))


def pdf(name: str = "计划书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


COMPLETE_ANSWERS = {"project_name": "智能产线改造", "has_export": True, "export_revenue": 350.5}


def submitted(item: Policy, user: User) -> Application:
    """An application started, completed and submitted by `user`."""

    application = application_start(policy=item, acting_user=user)
    application_answers_save(application=application, answers=COMPLETE_ANSWERS, acting_user=user)
    attachment_add(application=application, material="business_plan", file=pdf(), acting_user=user)
    return application_submit(
        application=application, lock_version=application.lock_version, acting_user=user
    )


def in_publicity(owner: User) -> tuple[Application, PublicityBatch]:
    """An application of a new applicant, approved through the form's two review steps (the
    department, then the lead office) and published for public notice by `owner`."""

    item = applying_policy(owner, grant_amount="10")
    application = submitted(item, applicant(applicant_enterprise()))
    application = application_accept(
        application=application, lock_version=application.lock_version, acting_user=owner
    )
    for reviewer in (owner, UserFactory(lead_office=True)):
        application = application_review_pass(
            application=application, lock_version=application.lock_version, acting_user=reviewer
        )
    batch = applications_publicise(policy=item, applications=[application], acting_user=owner)
    application.refresh_from_db()
    return application, batch
