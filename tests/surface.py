"""The platform's surface for tests that walk all of it: every URL pattern (from the resolver)
and every API operation (from the served OpenAPI schema), a fixture world in which each can be
called by every role, and sample arguments and bodies for them.

tests/test_authorization.py walks it for who may reach what, tests/test_hostile_input.py for
what hostile input does. A new view or operation without a sample here fails both walks.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.applications import services as application_services
from jinqi.applications.models import Application
from jinqi.applications.tests import factories as application_factories
from jinqi.core import clock
from jinqi.core.models import StoredFile
from jinqi.core.permissions import AUTHENTICATED, PUBLIC, all_capabilities
from jinqi.core.uploads import upload_store
from jinqi.notifications.models import Notification
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus, Rating
from jinqi.plans.models import Measure, Plan, ProgressReport, UrgingNotice
from jinqi.plans.tests.factories import import_plan, small_plan_csv
from jinqi.policies import services as policy_services
from jinqi.policies.enums import Delivery
from jinqi.policies.models import Grant
from jinqi.policies.services import PolicyData
from jinqi.registry import services as registry_services
from jinqi.registry.models import CorrectionRequest, Enterprise, Fact
from jinqi.registry.tests import factories as registry_factories

ANONYMOUS = "anonymous"
ROLES = (
    ANONYMOUS,
    Role.ENTERPRISE.value,
    Role.DEPARTMENT.value,
    Role.LEAD_OFFICE.value,
    Role.PROVIDER.value,
    Role.INSTITUTION.value,
    Role.SYSTEM_ADMIN.value,
    Role.SECURITY_ADMIN.value,
    Role.AUDIT_ADMIN.value,
)

API_PREFIX = "/api/v1/"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# Reachable by anyone by design; they name no capability.
PUBLIC_BY_DESIGN = frozenset(
    {"set_language", "accounts:login", "accounts:logout", "web:home", "web:health"}
)
# LogoutView is not login_not_required: an anonymous visitor (nothing to log out of) is sent to
# the login page like anywhere else. Harmless, and the only exception to "answers everyone".
# Django admin: the index and one representative model page; the other per-model pages are
# guarded by the same `AdminSite.admin_view` and are not walked one by one.
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

OWN_NARRATIVE = "本单位三月进展-OWN-7f3a"
DRAFT_NARRATIVE = "财政局草稿进展-DRAFT-91c2"
SUBMITTED_NARRATIVE = "财政局已报送进展-SUBMITTED-4e8d"
PUBLISHED_NARRATIVE = "财政局已公开报告原文-PUBLISHED-b51e"
PUBLIC_SUMMARY = "财政局公开摘要-SUMMARY-0c77"


# --------------------------------------------------------------------------------------------
# The fixture world: a small plan, one user per role, a report by the department's own unit.
# --------------------------------------------------------------------------------------------


@dataclass
class World:
    plan: Plan
    users: dict[str, User | None]  # role → user; None for anonymous
    other_department_user: User  # staff of finance, which market regulation is not
    own_measure: Measure  # seq 1: market regulation alone
    other_measure: Measure  # seq 2: finance and construction
    own_report: ProgressReport  # submitted by market regulation, with evidence
    own_evidence: StoredFile
    urging: UrgingNotice  # to market regulation on its measure
    notification: Notification  # in the market regulation user's inbox
    enterprise: Enterprise  # the enterprise user's own, with a fact from market regulation
    fact: Fact
    correction: CorrectionRequest  # raised by the enterprise, for market regulation
    queued_import: StoredFile  # a file market regulation sent for import, not yet imported
    made: dict[str, Any] = field(default_factory=dict)  # objects built on first use


def evidence_file(user: User, name: str = "evidence.pdf") -> StoredFile:
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return upload_store(file=upload, purpose_key="plans.evidence", acting_user=user)


def build_world() -> World:
    """A small plan, one user per role, a report by the department's own unit (needs the
    database)."""
    department = department_user("market-regulation")
    lead = UserFactory(lead_office=True)
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        Role.ENTERPRISE: UserFactory(enterprise=True),
        Role.DEPARTMENT: department,
        Role.LEAD_OFFICE: lead,
        Role.PROVIDER: UserFactory(provider=True),
        Role.INSTITUTION: UserFactory(institution=True),
        Role.SYSTEM_ADMIN: UserFactory(system_admin=True),
        Role.SECURITY_ADMIN: UserFactory(security_admin=True),
        Role.AUDIT_ADMIN: UserFactory(audit_admin=True),
    }
    plan = import_plan(small_plan_csv(), code="auth-2022")
    own_measure = plan.measures.get(seq=1)
    evidence = evidence_file(department)
    own_report = services.report_save(
        measure=own_measure,
        period=dt.date(2022, 3, 1),
        status=MeasureStatus.IN_PROGRESS,
        narrative=OWN_NARRATIVE,
        evidence=[evidence],
        submit=True,
        acting_user=department,
    )
    urging = services.urging_issue(
        measure=own_measure,
        department=department.department,
        message="请于一周内说明进度",
        reply_due=clock.today() + dt.timedelta(days=7),
        acting_user=lead,
    )
    firm = registry_factories.enterprise(uscc=users[Role.ENTERPRISE].enterprise_uscc)  # type: ignore[union-attr]
    registry_factories.facts(firm, "market-regulation", dt.date(2025, 6, 30), core_ip_count=3)
    [fact] = registry_factories.stored_facts(firm)
    correction = registry_services.correction_request_raise(
        fact=fact, reason="应为 4 件", acting_user=users[Role.ENTERPRISE]
    )
    queued_import = upload_store(
        file=SimpleUploadedFile("facts.csv", b"uscc,core_ip_count\n"),
        purpose_key="registry.import_file",
        acting_user=department,
    )
    return World(
        queued_import=queued_import,
        enterprise=firm,
        fact=fact,
        correction=correction,
        plan=plan,
        users=users,
        other_department_user=department_user("finance"),
        own_measure=own_measure,
        other_measure=plan.measures.get(seq=2),
        own_report=own_report,
        own_evidence=evidence,
        urging=urging,
        notification=Notification.objects.filter(recipient=department).first(),
    )


def client_for(world: World, role: str, *, raise_request_exception: bool = True) -> Client:
    """A client logged in as the role's user; with raise_request_exception=False a view's
    exception comes back as the 500 a user would get."""
    client = Client(raise_request_exception=raise_request_exception)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def get_page(client: Client, url: str, **extra: Any) -> Any:
    response = client.get(url, **extra)
    if response.streaming:
        # Reading a download to the end closes its file; response.close() would also close the
        # database connection (request_finished), breaking the test transaction on PostgreSQL.
        response.getvalue()
    return response


# --------------------------------------------------------------------------------------------
# Every URL pattern and every API operation, walked.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    callback: Callable[..., Any]
    takes_kwargs: bool


def walk(resolver: URLResolver, namespace: str = "", groups: int = 0) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        entry_groups = groups + entry.pattern.regex.groups
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, inner, entry_groups)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            yield Route(f"{namespace}{name}", entry.callback, entry_groups > 0)


@functools.cache
def all_routes() -> tuple[Route, ...]:
    return tuple(walk(get_resolver()))


def required_capability(callback: Callable[..., Any]) -> str | None:
    """The capability a view names, looking through decorators and class-based views."""
    seen: set[int] = set()
    current: Any = callback
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for holder in (current, getattr(current, "view_class", None)):
            capability = getattr(holder, "required_capability", None)
            if capability:
                return str(capability)
        current = getattr(current, "__wrapped__", None)
    return None


def route_kind(route: Route) -> str:
    if route.name.startswith("admin:"):
        return "admin"
    if route.name.startswith("api:"):
        return "api"  # every operation is covered by the schema test (part 2)
    if route.name in PUBLIC_BY_DESIGN:
        return "public"
    return "view"


def known(capability: str) -> bool:
    return capability in (PUBLIC, AUTHENTICATED) or capability in all_capabilities()


def _awarded_grant(world: World) -> Grant:
    """A published auto-grant policy of market regulation whose award list is public, with the
    enterprise user's enterprise granted (built on first use: only the policy URLs need it)."""
    if "grant" not in world.made:
        department = world.users[Role.DEPARTMENT]
        assert department is not None
        policy = policy_services.policy_create(
            data=PolicyData(
                code="auth-ip-award",
                title="知识产权奖励",
                document_number="金市监〔2026〕1号",
                valid_from=dt.date(2026, 1, 1),
                summary="核心知识产权奖励。",
                benefit="每家 1 万元。",
                delivery=Delivery.AUTO_GRANT,
                grant_amount=Decimal(1),
            ),
            sql="core_ip_count >= 1",
            department=department.department,
            acting_user=department,
        )
        policy_services.policy_publish(policy=policy, acting_user=department)
        policy_services.auto_grant_list_confirm(policy=policy, acting_user=department)
        policy_services.awards_publish(policy=policy, acting_user=department)
        world.made["grant"] = Grant.objects.get(policy=policy, enterprise=world.enterprise)
    grant: Grant = world.made["grant"]
    return grant


def _application(world: World) -> Application:
    """A submitted application of the enterprise user to a market regulation policy."""
    if "application" not in world.made:
        department = world.users[Role.DEPARTMENT]
        firm_user = world.users[Role.ENTERPRISE]
        assert department is not None and firm_user is not None
        policy = policy_services.policy_create(
            data=PolicyData(
                code="auth-apply",
                title="质量提升项目资助",
                document_number="金市监〔2026〕2号",
                valid_from=dt.date(2026, 1, 1),
                summary="质量提升项目资助。",
                benefit="最高 20 万元。",
                delivery=Delivery.APPLY,
            ),
            sql="core_ip_count >= 1",
            department=department.department,
            acting_user=department,
        )
        policy_services.policy_publish(policy=policy, acting_user=department)
        application_services.form_save(
            policy=policy,
            definition=application_factories.definition(),
            settings=application_services.FormSettings(),
            acting_user=department,
        )
        application = application_services.application_start(policy=policy, acting_user=firm_user)
        application_services.application_answers_save(
            application=application,
            answers={**application_factories.COMPLETE_ANSWERS, "employees": 12},
            acting_user=firm_user,
        )
        world.made["attachment"] = application_services.attachment_add(
            application=application,
            material="business_plan",
            file=application_factories.pdf(),
            acting_user=firm_user,
        )
        world.made["application"] = application_services.application_submit(
            application=application, lock_version=application.lock_version, acting_user=firm_user
        )
    application: Application = world.made["application"]
    return application


def _reference(world: World) -> dict[str, Any]:
    return {"reference": _application(world).reference}


def _publicised_application(world: World) -> Application:
    """A market-regulation policy taking applications, one application approved and in public
    notice with an objection (built on first use: only the applications URLs need it)."""
    if "publicised" not in world.made:
        department = world.users[Role.DEPARTMENT]
        assert department is not None
        policy = application_factories.applying_policy(
            department,
            code="auth-publicity",
            form=application_factories.definition(lead_review=False),
            grant_amount="5",
        )
        firm = application_factories.applicant_enterprise(120)
        application = application_factories.submitted(policy, application_factories.applicant(firm))
        for step in (
            application_services.application_accept,
            application_services.application_review_pass,
        ):
            application = step(
                application=application,
                lock_version=application.lock_version,
                acting_user=department,
            )
        batch = application_services.applications_publicise(
            policy=policy, applications=[application], acting_user=department
        )
        world.made["objection"] = application_services.objection_raise(
            batch=batch, text="请核实", contact="13800001111"
        )
        application.refresh_from_db()
        world.made["publicised"] = application
    made: Application = world.made["publicised"]
    return made


def _application_ref(world: World) -> dict[str, Any]:
    return {"reference": _publicised_application(world).reference}


def _batch_public(world: World) -> dict[str, Any]:
    batch = _publicised_application(world).batch
    assert batch is not None
    return {"code": batch.policy.code, "number": batch.number}


def _import_batch(world: World) -> dict[str, Any]:
    """A batch market regulation imported, with a rejected row (built on first use)."""
    if "import_batch" not in world.made:
        from jinqi.registry.importing import registry_import

        department = world.users[Role.DEPARTMENT]
        assert department is not None and department.department is not None
        path = settings.MEDIA_ROOT / "auth-import.csv"
        path.write_text(f"uscc,core_ip_count\n{world.enterprise.uscc},7\nBAD,1\n")
        result = registry_import(path=path, source=department.department, acting_user=department)
        world.made["import_batch"] = result.batch
    return {"pk": world.made["import_batch"].pk}


def _appeal(world: World) -> dict[str, Any]:
    """An appeal of the enterprise user's enterprise, routed to market regulation (the department
    user's own) and resolved, so every role's page of it is in scope (built on first use)."""
    if "appeal" not in world.made:
        from jinqi.appeals import services as appeal_services
        from jinqi.appeals.models import Category

        firm_user = world.users[Role.ENTERPRISE]
        department = world.users[Role.DEPARTMENT]
        appeal = appeal_services.appeal_file(
            data=appeal_services.AppealData(
                kind="request",
                category=Category.objects.get(code="market-enforcement"),
                title="重复检查",
                text="本月已接受两次内容相同的现场检查。",
            ),
            acting_user=firm_user,
        )
        world.made["appeal"] = appeal_services.appeal_resolve(
            appeal=appeal,
            lock_version=appeal.lock_version,
            answer="已合并检查。",
            acting_user=department,
        )
    return {"reference": world.made["appeal"].reference}


def _guide(world: World) -> dict[str, Any]:
    """A service guide of market regulation, the department user's own (built on first use)."""
    if "guide" not in world.made:
        from jinqi.guides.services import GuideData, guide_create

        world.made["guide"] = guide_create(
            data=GuideData(
                title="企业设立登记指南", matter="企业设立登记", body="全程网办，一个工作日办结。"
            ),
            acting_user=world.users[Role.DEPARTMENT],
        )
    return {"pk": world.made["guide"].pk}


def _faq(world: World) -> dict[str, Any]:
    """A question market regulation answered (built on first use)."""
    if "faq" not in world.made:
        from jinqi.guides.services import FaqData, faq_create

        world.made["faq"] = faq_create(
            data=FaqData(category="企业开办", question="多久拿到执照？", answer="一个工作日。"),
            acting_user=world.users[Role.DEPARTMENT],
        )
    return {"pk": world.made["faq"].pk}


def _saved_search(world: World) -> dict[str, Any]:
    """A search the enterprise user saved (built on first use)."""
    if "saved_search" not in world.made:
        from jinqi.search.query import Filters
        from jinqi.search.services import saved_search_create

        world.made["saved_search"] = saved_search_create(
            query="知识产权", filters=Filters(), acting_user=world.users[Role.ENTERPRISE]
        )
    return {"pk": world.made["saved_search"].pk}


def _policy_code(world: World) -> dict[str, Any]:
    return {"code": _awarded_grant(world).policy.code}


def _survey(world: World) -> dict[str, Any]:
    """A survey the lead office sent to every enterprise (the enterprise user's among them)."""
    if "survey" not in world.made:
        from jinqi.surveys.tests.factories import survey

        world.made["survey"] = survey(world.users[Role.LEAD_OFFICE])  # type: ignore[arg-type]
    return {"pk": world.made["survey"].pk}


def _survey_texts(world: World) -> dict[str, Any]:
    from jinqi.surveys.enums import QuestionKind

    pk = _survey(world)["pk"]
    question = world.made["survey"].questions.get(kind=QuestionKind.TEXT)
    return {"pk": pk, "question": question.pk}


def _credit_repair(world: World) -> Any:
    """A market-regulation record of the enterprise user's enterprise, repairable today, and
    its repair application, submitted (built on first use)."""
    if "credit_repair" not in world.made:
        from jinqi.credit.repairs import repair_apply
        from jinqi.credit.tests.repair_builders import pdf, record

        today = clock.today()
        target = record(
            world.enterprise,
            decided_on=today - dt.timedelta(days=200),
            repairable_from=today - dt.timedelta(days=100),
            takedown_on=today + dt.timedelta(days=160),
        )
        world.made["credit_record"] = target
        world.made["credit_repair"] = repair_apply(
            record=target,
            statement="已缴纳罚款。",
            materials={"commitment": pdf()},
            acting_user=world.users[Role.ENTERPRISE],
        )
    return world.made["credit_repair"]


def _verifiable_code(world: World) -> dict[str, Any]:
    """A credit report the enterprise user issued (built on first use)."""
    if "credit_report" not in world.made:
        from jinqi.credit.reports import credit_report_issue

        today = clock.today()
        world.made["credit_report"] = credit_report_issue(
            enterprise=world.enterprise,
            period_start=today - dt.timedelta(days=365),
            period_end=today,
            domains=["market"],
            acting_user=world.users[Role.ENTERPRISE],
        )
    return {"code": world.made["credit_report"].short_code}


def _reorganisation(world: World) -> dict[str, Any]:
    """A court ruling the lead office put on file for the enterprise user's enterprise."""
    if "reorganisation" not in world.made:
        from jinqi.credit.services import reorganisation_register

        world.made["reorganisation"] = reorganisation_register(
            enterprise=world.enterprise,
            kind="reorganisation",
            court="上海市第三中级人民法院",
            ruling_number="（2026）沪03破1号",
            ruled_on=dt.date(2026, 1, 5),
            ruling=None,
            acting_user=world.users[Role.LEAD_OFFICE],  # type: ignore[arg-type]
        )
    return {"pk": world.made["reorganisation"].pk}


def _inspection_visit(world: World) -> Any:
    """A visit to the enterprise user's firm with a task of the department user's department
    and an open rectification (built on first use)."""
    if "inspection_visit" not in world.made:
        from jinqi.inspections.tests.visit_builders import visit_with_rectification

        world.made["inspection_visit"] = visit_with_rectification(
            world.enterprise,
            world.users[Role.DEPARTMENT].department,  # type: ignore[union-attr,arg-type]  # the world has them
            world.users[Role.LEAD_OFFICE],
        )
    return world.made["inspection_visit"]


def _inspections(world: World) -> dict[str, Any]:
    """Market regulation's published item, checklist, filed plan, inspector and a draw."""
    if "inspections" not in world.made:
        from jinqi.inspections import services as inspections

        staff = world.users[Role.DEPARTMENT]
        item = inspections.item_publish(
            item=inspections.item_save(
                data=inspections.ItemIn(
                    "SC-001", "食品经营许可检查", "《食品安全法》第三十五条", "许可证", "在有效期内"
                ),
                acting_user=staff,  # type: ignore[arg-type]
            ),
            acting_user=staff,  # type: ignore[arg-type]
        )
        checklist = inspections.checklist_save(
            data=inspections.ChecklistIn("食品企业体检单", ["C14"], "", "", [item.pk]),
            acting_user=staff,  # type: ignore[arg-type]
        )
        plan = inspections.plan_receive(
            data=inspections.PlanIn(2026, "planned", "2026年度抽查计划", item_ids=[item.pk]),
            acting_user=staff,  # type: ignore[arg-type]
        )
        inspector = inspections.inspector_add(
            data=inspections.InspectorIn(
                "王检查", "31011699001", dt.date(2024, 1, 1), dt.date(2030, 12, 31)
            ),
            acting_user=staff,  # type: ignore[arg-type]
        )
        draw = inspections.draw_make(
            data=inspections.DrawIn(
                plan, dt.date(2026, 6, 1), dt.date(2026, 6, 30), per_enterprise=1, seed=7
            ),
            acting_user=staff,  # type: ignore[arg-type]
        )
        world.made["inspections"] = {
            "item": item.pk, "checklist": checklist.pk, "plan": plan.pk,
            "inspector": inspector.pk, "draw": draw.pk, "number": draw.number,
        }  # fmt: skip
    return world.made["inspections"]


def _inspections_pk(kind: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"pk": _inspections(world)[kind]}


# Sample kwargs for each URL that takes some: objects the department itself is responsible for,
# so that a role holding the capability reaches the view rather than a scoping 404.
URL_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "plans:group_edit": lambda w: {"code": "group-towns-parks"},
    "plans:urging_detail": lambda w: {"pk": w.urging.pk},
    "plans:report_detail": lambda w: {"pk": w.own_report.pk},
    "plans:report_review": lambda w: {"pk": w.own_report.pk},
    "plans:report_return": lambda w: {"pk": w.own_report.pk},
    "plans:report_publish": lambda w: {"pk": w.own_report.pk},
    "plans:ledger_export": lambda w: {"code": w.plan.code},
    "plans:roll_over": lambda w: {"code": w.plan.code},
    "plans:measure_detail": lambda w: {"code": w.plan.code, "seq": w.own_measure.seq},
    "plans:report_edit": lambda w: {"code": w.plan.code, "seq": w.own_measure.seq},
    "plans:deadline_set": lambda w: {"code": w.plan.code, "seq": w.own_measure.seq},
    "plans:urging_issue": lambda w: {"code": w.plan.code, "seq": w.own_measure.seq},
    "plans:indicators_set": lambda w: {"code": w.plan.code, "seq": w.own_measure.seq},
    "notifications:open": lambda w: {"pk": w.notification.pk},
    "core:file_download": lambda w: {"uuid": w.own_evidence.uuid},
    "registry:detail": lambda w: {"uscc": w.enterprise.uscc},
    "registry:reveal": lambda w: {"uscc": w.enterprise.uscc},
    "registry:fact_flag": lambda w: {"delivery_id": w.fact.delivery.pk, "ref": w.fact.ref},
    "registry:correction_answer": lambda w: {"pk": w.correction.pk},
    "registry:import_detail": _import_batch,
    "policies:detail": _policy_code,
    "policies:awards": _policy_code,
    "policies:awards_csv": _policy_code,
    "policies:awards_json": _policy_code,
    "policies:edit": _policy_code,
    "policies:publish": _policy_code,
    "policies:matches": _policy_code,
    "policies:matches_xlsx": _policy_code,
    "policies:confirm_list": _policy_code,
    "policies:publish_awards": _policy_code,
    "policies:disburse": lambda w: {**_policy_code(w), "pk": _awarded_grant(w).pk},
    "policies:grant_confirm": lambda w: {"pk": _awarded_grant(w).pk},
    "policies:grant_decline": lambda w: {"pk": _awarded_grant(w).pk},
    "applications:guide": lambda w: {"code": _application(w).policy.code},
    "applications:detail": _reference,
    "applications:autosave": _reference,
    "applications:attachment_add": _reference,
    "applications:submit": _reference,
    "applications:withdraw": _reference,
    "applications:attachment_remove": lambda w: {
        "pk": (_application(w), w.made["attachment"])[1].pk
    },
    "applications:review_detail": _application_ref,
    "applications:act": _application_ref,
    "applications:form_edit": lambda w: {"code": _publicised_application(w).policy.code},
    "applications:batch_manage": lambda w: {"pk": _publicised_application(w).batch_id},
    "applications:objection_answer": lambda w: {
        "pk": (_publicised_application(w), w.made["objection"])[1].pk
    },
    "appeals:detail": _appeal,
    "appeals:supply": _appeal,
    "appeals:confirm": _appeal,
    "appeals:reopen": _appeal,
    "appeals:follow_up": _appeal,
    "appeals:handle": _appeal,
    "appeals:act": _appeal,
    "applications:batch": _batch_public,
    "guides:guide_detail": _guide,
    "guides:guide_edit": _guide,
    "guides:guide_delete": _guide,
    "guides:faq_detail": _faq,
    "guides:faq_edit": _faq,
    "guides:faq_delete": _faq,
    "search:saved_delete": _saved_search,
    "applications:objection": _batch_public,
    "surveys:answer": _survey,
    "surveys:detail": _survey,
    "surveys:edit": _survey,
    "surveys:send": _survey,
    "surveys:export": _survey,
    "surveys:texts": _survey_texts,
    "credit:repair_apply": lambda w: {"pk": _credit_repair(w).record_id},
    "credit:repair_detail": lambda w: {"pk": _credit_repair(w).pk},
    "credit:repair_act": lambda w: {"pk": _credit_repair(w).pk},
    "verify:document": _verifiable_code,
    "verify:pdf": _verifiable_code,
    "credit:reorganisation_close": _reorganisation,
    **{
        f"inspection_visits:{name}": lambda w: {"pk": _inspection_visit(w)[0].pk}
        for name in ("detail", "findings_add", "act", "rate")
    },
    "inspection_visits:rectification_act": lambda w: {"pk": _inspection_visit(w)[1].pk},
    "inspections:item_edit": _inspections_pk("item"),
    "inspections:item_publish": _inspections_pk("item"),
    "inspections:checklist_detail": _inspections_pk("checklist"),
    "inspections:plan_detail": _inspections_pk("plan"),
    "inspections:plan_act": _inspections_pk("plan"),
    "inspections:draw_detail": _inspections_pk("draw"),
    "inspections:draw_rerun": _inspections_pk("draw"),
    "inspections:public_draw": lambda w: {"number": _inspections(w)["number"]},
    # A link that is not valid: the page answers everyone, saying so.
    "accounts:password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "not-a-token"},
}


def url_for(route: Route, world: World) -> str:
    if not route.takes_kwargs:
        return reverse(route.name)
    builder = URL_KWARGS.get(route.name)
    if builder is None:
        pytest.fail(
            f"{route.name} takes URL arguments but tests/test_authorization.py has no sample "
            f"kwargs for it: add an entry to URL_KWARGS."
        )
    return reverse(route.name, kwargs=builder(world))


@functools.cache
def schema_operations() -> tuple[tuple[str, str], ...]:
    """(path, method) of every operation, read from the API at collection time."""
    from jinqi.api.api import api

    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    return tuple(
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    )


PATH_PARAMS: dict[str, Callable[[World], Any]] = {
    "code": lambda w: w.plan.code,
    "seq": lambda w: w.own_measure.seq,
    "report_id": lambda w: w.own_report.pk,
    "uscc": lambda w: w.enterprise.uscc,
    "sha256": lambda w: w.queued_import.sha256,
    "policy_code": lambda w: "small-low-profit-cit",  # shipped in every install
    "reference": lambda w: _application(w).reference,
    "repair_id": lambda w: _credit_repair(w).pk,
    "short_code": lambda w: _inspection_visit(w)[0].short_code,
    "rectification_id": lambda w: _inspection_visit(w)[1].pk,
}

MULTIPART = "multipart"

# A minimal valid body for each operation that takes one, keyed by operation id.
API_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "jinqi_policies_api_evaluate": lambda w: {"profile": {"employees": 3}},
    "jinqi_applications_api_application_create": lambda w: {"policy": "auth-apply"},
    "jinqi_applications_api_answers_save": lambda w: {"answers": {"project_name": "甲"}},
    "jinqi_applications_api_submit": lambda w: {"lock_version": 0},
    "jinqi_applications_api_attachment_add": lambda w: {
        MULTIPART: {"material": "business_plan", "file": application_factories.pdf()}
    },
    "jinqi_plans_api_report_submit": lambda w: {
        "period": "2022-04",
        "status": MeasureStatus.IN_PROGRESS,
        "narrative": "四月进展",
        "submit": True,
    },
    "jinqi_registry_api_facts_push": lambda w: {
        "uscc": w.enterprise.uscc,
        "as_of": "2025-06-30",
        "facts": [{"key": "core_ip_count", "value": 4}],
    },
    "jinqi_registry_api_import_file": lambda w: {
        MULTIPART: {
            "file": SimpleUploadedFile(
                "facts.csv", f"uscc,core_ip_count\n{w.enterprise.uscc},5\n".encode()
            ),
            "as_of": "2025-06-30",
        }
    },
    "jinqi_credit_repair_api_repair_decide": lambda w: {
        "action": "accept",
        "lock_version": _credit_repair(w).lock_version,
    },
    "jinqi_inspections_api_item_push": lambda w: {
        "code": "SC-900",
        "name": "广告发布检查",
        "legal_basis": "《中华人民共和国广告法》第四条",
        "content": "广告内容是否真实",
        "standard": "《广告法》",
        "publish": True,
    },
    "jinqi_inspections_api_plan_push": lambda w: {
        "year": 2026,
        "kind": "triggered",
        "title": "举报核查",
        "reason_kind": "complaint",
        "reason": "群众举报虚假宣传",
    },
    "jinqi_credit_api_record_push": lambda w: {
        "uscc": w.enterprise.uscc,
        "kind": "penalty",
        "severity": "minor",
        "domain": "market",
        "decision_number": "金市监处〔2026〕1号",
        "decided_on": "2026-01-05",
        "summary": "未按时公示年度报告",
        "legal_basis": "《企业信息公示暂行条例》第八条",
    },
    "jinqi_inspections_visit_api_findings_report": lambda w: {
        "findings": [{"item_code": "SURF-001", "result": "compliant", "note": ""}]
    },
    "jinqi_inspections_visit_api_rectification_recheck": lambda w: {
        "action": "pass",
        "lock_version": _inspection_visit(w)[1].lock_version,
        "text": "复查合格",
    },
    "jinqi_plans_api_report_review": lambda w: {
        "rating": Rating.GOOD,
        "comment": "",
        "version": w.own_report.lock_version,
    },
}


def api_call(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if body is None:
        return client.generic(method.upper(), url)
    if MULTIPART in body:  # a file upload: sent as a form, as a browser or a script would
        return client.post(url, body[MULTIPART])
    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json")


# django-ninja 1.7 deprecates returning (status, body) tuples, which plans.api.report_submit
