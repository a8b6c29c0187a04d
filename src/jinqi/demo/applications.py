"""Demo applications: a district special fund that takes applications through one form, with
applications from a dozen registry enterprises in every state of the workflow, so the
department's queue, the lead office's review step and the public notice have something to show.
The demo enterprise itself has none: it can apply from "policies for me"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.applications import services
from jinqi.applications.definition import Definition, FormField, Material, ReviewStep, ShowWhen
from jinqi.applications.enums import Admission, FieldKind, Reviewer
from jinqi.applications.models import Application
from jinqi.core import clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.policies.enums import Delivery, Outcome, PolicyState
from jinqi.policies.models import Match, Policy
from jinqi.policies.services import PolicyData, policy_create, policy_publish
from jinqi.registry.models import Enterprise

DEMO_CODE = "jinshan-demo-tech-upgrade-fund"
# A one-page PDF standing in for a project plan.
PLAN_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

FORM = Definition(
    fields=(
        FormField("project_name", "项目名称", FieldKind.TEXT, max_length=100),
        FormField("investment", "项目总投资（万元）", FieldKind.NUMBER, minimum=0, maximum=1000000),
        FormField("start_on", "计划开工日期", FieldKind.DATE),
        FormField("employees", "从业人数", FieldKind.INTEGER, prefill="employees"),
        FormField("revenue", "上年营业收入（万元）", FieldKind.NUMBER, prefill="revenue"),
        FormField("imports_equipment", "是否购置进口设备", FieldKind.BOOLEAN),
        FormField(
            "imported_value",
            "进口设备金额（万元）",
            FieldKind.NUMBER,
            minimum=0,
            show_when=ShowWhen("imports_equipment", True),
        ),
        FormField(
            "category",
            "项目类别",
            FieldKind.CHOICE,
            choices=("智能化改造", "绿色低碳改造", "质量提升"),
        ),
        FormField("summary", "项目简介", FieldKind.TEXTAREA, max_length=2000),
    ),
    materials=(
        Material("project_plan", "项目可行性报告或计划书"),
        Material("tax_clearance", "完税证明", held_by="tax-jinshan"),
        Material("insurance_record", "社保缴纳记录", held_by="human-resources"),
    ),
    steps=(
        ReviewStep("区经委初审", Reviewer.DEPARTMENT, 5),
        ReviewStep("联席会议办公室复核", Reviewer.LEAD_OFFICE, 3),
    ),
)

# How far along each demo application gets: the state it ends in.
PATHS = (
    "submitted",
    "submitted",
    "submitted",
    "returned",
    "in_review",
    "in_review",
    "lead_review",
    "approved",
    "publicity",
    "publicity",
    "rejected",
    "draft",
)


@transaction.atomic
def demo_applications_load(report: Callable[[str], None]) -> None:
    if Policy.objects.filter(code=DEMO_CODE).exists():
        report("applications already loaded; kept as they are")
        return
    economy = User.objects.get(username="economy")
    lead = User.objects.get(username="lead")
    policy = policy_create(
        data=PolicyData(
            code=DEMO_CODE,
            title="（演示）金山区企业技术改造专项资金",
            title_en="(Demo) Jinshan special fund for enterprises' technical upgrades",
            document_number="演示数据，非真实文件",
            valid_from=dt.date(clock.today().year, 1, 1),
            valid_until=dt.date(clock.today().year + 1, 12, 31),
            summary="（演示）支持区内正常经营、未列入经营异常名录的企业实施智能化、绿色低碳和"
            "质量提升技术改造项目，一表申报，政府已掌握的数据无需重复填报。",
            benefit="按项目总投资的10%给予资助，单个项目最高50万元。",
            full_text="申报企业须为在金山区依法登记注册、具有独立法人资格的企业；项目已完成备案；"
            "申报材料真实有效。经区经委初审、联席会议办公室复核后予以公示，公示无异议的拨付资金。",
            delivery=Delivery.APPLY,
            grant_amount=Decimal("50.00"),
        ),
        sql="in_abnormal_list IS NOT TRUE AND employees >= 1",
        department=Department.objects.get(code="economy"),
        acting_user=economy,
    )
    if policy.state == PolicyState.DRAFT:
        policy_publish(policy=policy, acting_user=economy, check=False)
    services.form_save(
        policy=policy,
        definition=FORM,
        settings=services.FormSettings(admission=Admission.ELIGIBLE_OR_UNKNOWN),
        acting_user=economy,
    )
    eligible = Match.objects.filter(policy=policy, outcome=Outcome.ELIGIBLE).values("enterprise_id")
    firms = (
        Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC)
        .filter(pk__in=eligible)
        .order_by("uscc")[: len(PATHS)]
    )
    approved = []
    for index, (firm, path) in enumerate(zip(firms, PATHS, strict=False)):
        application = _walk(policy, firm, path, index, economy, lead)
        if path == "publicity":
            approved.append(application)
    if approved:
        services.applications_publicise(policy=policy, applications=approved, acting_user=economy)
    report(f"applications: {Application.objects.filter(policy=policy).count()} demo applications")


def _walk(
    policy: Policy, firm: Enterprise, path: str, index: int, economy: User, lead: User
) -> Application:
    user, _created = User.objects.get_or_create(
        username=f"demo-firm-{index + 1:02d}",
        defaults={"role": Role.ENTERPRISE, "full_name": firm.name, "enterprise_uscc": firm.uscc},
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    application = services.application_start(policy=policy, acting_user=user)
    services.application_answers_save(
        application=application,
        answers={
            "project_name": f"{firm.name[:20]}智能产线改造项目",
            "investment": 300 + 45 * index,
            "start_on": f"{clock.today().year}-09-01",
            "imports_equipment": index % 3 == 0,
            **({"imported_value": 120.0} if index % 3 == 0 else {}),
            "category": ("智能化改造", "绿色低碳改造", "质量提升")[index % 3],
            "summary": "新建自动化生产线，提升产品一致性并降低单位能耗。",
            "employees": 50,
            "revenue": 1000.0,
        },
        acting_user=user,
    )
    if path == "draft":
        return application
    services.attachment_add(
        application=application,
        material="project_plan",
        file=SimpleUploadedFile("项目计划书.pdf", PLAN_PDF),
        acting_user=user,
    )

    def step(action: Callable[..., Application], actor: User, **extra: object) -> Application:
        return action(
            application=application,
            lock_version=application.lock_version,
            acting_user=actor,
            **extra,
        )

    application = step(services.application_submit, user)
    if path == "submitted":
        return application
    if path == "returned":
        return step(
            services.application_return,
            economy,
            comment="请补充项目备案证明，并在计划书中列明设备清单。",
        )
    if path == "rejected":
        return step(services.application_reject, economy, reason="项目不属于技术改造范围。")
    application = step(services.application_accept, economy)
    if path == "in_review":
        return application
    application = step(services.application_review_pass, economy, comment="材料齐全，同意。")
    if path == "lead_review":
        return application
    amount = Decimal(min(50, (300 + 45 * index) // 10))
    return step(
        services.application_review_pass, lead, approved_amount=amount, comment="同意资助。"
    )
