"""Who may reach what, across every app: generated from the URL resolver and the API schema.

Three parts:

1. Every URL pattern × every role (anonymous, enterprise, department, lead office, and the
   three administrators). Each
   view must name a capability with `@requires(...)`; the test checks the response against the
   role → capability maps, so a new view that names none, or that lets the wrong role in, fails.
2. Every operation of the served OpenAPI schema × every role, against its `x-capability`.
3. Object-level checks: a department's reports, evidence and urging notices are its own.

The role × capability table and the rule for new views are in docs/permissions.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from surface import (
    ANONYMOUS,
    API_BODIES,
    API_PREFIX,
    DRAFT_NARRATIVE,
    HTTP_METHODS,
    OWN_NARRATIVE,
    PATH_PARAMS,
    PDF,
    PUBLIC_BY_DESIGN,
    PUBLIC_SUMMARY,
    PUBLISHED_NARRATIVE,
    ROLES,
    SUBMITTED_NARRATIVE,
    URL_KWARGS,
    Route,
    World,
    all_routes,
    api_call,
    client_for,
    evidence_file,
    get_page,
    known,
    required_capability,
    route_kind,
    schema_operations,
    url_for,
)

from jinqi.accounts.enums import Role
from jinqi.core import clock
from jinqi.core.errors import PermissionDenied as DomainPermissionDenied
from jinqi.core.permissions import PUBLIC, has_capability
from jinqi.plans import services
from jinqi.plans.enums import MeasureStatus, Rating, ReportState
from jinqi.plans.models import ProgressReport

# Who may do what is decided in Python and by ORM filters both databases read alike: the walk
# runs once, in the SQLite pass of .ci/run (ADR 0007), beside the hostile walk on PostgreSQL.
pytestmark = pytest.mark.sqlite_pass

ADMIN_CHECKED = ("admin:index",)


def _cases(kind: str) -> list[Any]:
    routes = [r for r in all_routes() if route_kind(r) == kind]
    return [pytest.param(r, role, id=f"{r.name}-{role}") for r in routes for role in ROLES]


# (URL name, role) → why a role holding the view's capability still gets a 404.
DOCUMENTED_404: dict[tuple[str, str], str] = {
    **{
        (name, Role.DEPARTMENT): (
            "department staff hold the alliance office's capability by role, but only the 区经委 "
            "runs the alliance (providers.permissions.is_alliance_office); the walk's department "
            "is market regulation."
        )
        for name in ("providers:office", "providers:office_provider", "providers:figures")
    },
    ("plans:ledger_export", Role.DEPARTMENT): (
        "VIEW_LEDGER lets departments see their own measures on screen; the full export is the "
        "lead office's (plans.views.ledger_export)."
    ),
    ("core:file_download", Role.ENTERPRISE): (
        "any logged-in user may call the download view, but the upload purpose's rule "
        "(plans.selectors.can_download_evidence) entitles only the lead office and the "
        "reporting department; others get a 404 that does not reveal the file exists."
    ),
    **{
        (name, Role.DEPARTMENT): (
            "legal checks are taken by the 区司法局 (its 司法所) and admitted law firms; the "
            "walk's department is market regulation, for which a check is not found "
            "(legalcheck.selectors.check_for, checklist_item_for)."
        )
        for name in ("legalcheck:detail", "legalcheck:fill", "legalcheck:item_edit")
    },
    **{
        ("core:file_download", role): "as for enterprise users: not entitled by the purpose."
        for role in (
            Role.PROVIDER,
            Role.INSTITUTION,
            Role.SYSTEM_ADMIN,
            Role.SECURITY_ADMIN,
            Role.AUDIT_ADMIN,
        )
    },
}


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(_login_url())


@pytest.mark.parametrize(("route", "role"), _cases("view"))
def test_view_enforces_its_capability(route: Route, role: str, world: World) -> None:
    """Each view names a capability; anonymous users are sent to log in, roles without the
    capability get 403 (or 404), roles with it reach the view."""
    capability = required_capability(route.callback)
    if capability is None:
        view = f"{route.callback.__module__}.{route.callback.__qualname__}"
        pytest.fail(
            f"{route.name} ({view}) names no capability: decorate it with "
            f"@requires(<capability>) from jinqi.core.permissions (see docs/permissions.md)."
        )
    assert known(capability), f"{route.name} names {capability!r}, which no app registers"
    response = get_page(client_for(world, role), url_for(route, world))
    user = world.users[role]
    status = response.status_code
    if capability == PUBLIC:
        assert not _to_login(response) and status not in (403, 404), (
            f"{route.name} is public but answered {status} to {role}"
        )
    elif user is None:
        assert _to_login(response), (
            f"{route.name} answered {status} to an anonymous user instead of the login page"
        )
    elif not has_capability(user, capability):
        assert status in (403, 404), (
            f"{route.name} needs {capability}, which {role} lacks, yet answered {status}"
        )
    else:
        assert not _to_login(response) and status != 403, (
            f"{route.name} needs {capability}, which {role} holds, yet answered {status}"
        )
        if status == 404:
            assert (route.name, role) in DOCUMENTED_404, (
                f"{route.name} answered 404 to {role}, who holds {capability}: choose sample "
                f"kwargs the role may see, or document the 404 in DOCUMENTED_404"
            )


@pytest.mark.parametrize(("route", "role"), _cases("public"))
def test_public_by_design_views_answer_everyone(route: Route, role: str, world: World) -> None:
    """Home, health, login, logout and language switching answer every role, logged in or not."""
    assert required_capability(route.callback) is None, f"{route.name} is public by design"
    response = get_page(client_for(world, role), url_for(route, world))
    assert not _to_login(response)
    assert response.status_code not in (401, 403, 404)


@pytest.mark.parametrize(
    ("name", "role"), [pytest.param(n, r, id=f"{n}-{r}") for n in ADMIN_CHECKED for r in ROLES]
)
def test_django_admin_only_for_staff(name: str, role: str, world: World) -> None:
    """Only administrators (is_staff) get the Django admin; everyone else is sent away."""
    response = get_page(client_for(world, role), reverse(name))
    user = world.users[role]
    if user is not None and user.is_staff:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_url_lists_stay_consistent() -> None:
    """Every sample-kwargs entry and documented 404 names a URL that still exists, and the admin
    is there to check."""
    names = {r.name for r in all_routes()}
    assert set(URL_KWARGS) <= names, set(URL_KWARGS) - names
    assert {n for n, _role in DOCUMENTED_404} <= names
    assert set(ADMIN_CHECKED) <= names
    assert names >= PUBLIC_BY_DESIGN
    unnamed = [
        r.name
        for r in all_routes()
        if route_kind(r) != "admin" and r.name.split(":")[-1].startswith("<unnamed")
    ]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"


# --------------------------------------------------------------------------------------------
# Part 2: every API operation × every role.
# --------------------------------------------------------------------------------------------


# (operation id, role) → why a role holding the capability gets a 404. None so far.
DOCUMENTED_API_404: dict[tuple[str, str], str] = {}


# still does; ignored here (only this message) so the authorization outcome is what is tested.
@pytest.mark.parametrize(
    ("path", "method", "role"),
    [
        pytest.param(p, m, r, id=f"{m.upper()} {p}-{r}")
        for p, m in schema_operations()
        for r in ROLES
    ],
)
def test_api_operation_enforces_its_capability(
    path: str, method: str, role: str, world: World, served_schema: dict[str, Any]
) -> None:
    """Each API operation declares x-capability: anonymous callers get 401, roles without it 403
    (or 404), roles with it are let through; public operations answer everyone."""
    operation = served_schema["paths"].get(path, {}).get(method)
    assert operation is not None, f"{method.upper()} {path} is not in the served schema"
    operation_id = operation.get("operationId", f"{method} {path}")
    capability = operation.get("x-capability")
    if not capability:
        pytest.fail(
            f"{method.upper()} {path} ({operation_id}) declares no x-capability: add "
            f"openapi_extra=declares(<capability>) and call ensure_capability in the handler."
        )
    assert known(capability), f"{operation_id} declares {capability!r}, which no app registers"
    params = {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path":
            if name not in PATH_PARAMS:
                pytest.fail(f"{operation_id}: no sample for path parameter {name!r} in PATH_PARAMS")
            params[name] = PATH_PARAMS[name](world)
        elif parameter.get("required"):
            pytest.fail(
                f"{operation_id}: required {parameter['in']} parameter {name!r} has no "
                f"sample; extend the test"
            )
    body = None
    if method in ("post", "put", "patch"):
        if operation_id not in API_BODIES:
            pytest.fail(f"{operation_id} takes a body but API_BODIES has no sample for it")
        body = API_BODIES[operation_id](world)
    url = re.sub(r"{(\w+)}", lambda m: str(params[m.group(1)]), path)

    response = api_call(client_for(world, role), method, url, body)
    status = response.status_code
    user = world.users[role]
    assert status < 500, response.content
    if capability == PUBLIC:
        assert status not in (401, 403, 404), f"{operation_id} is public but answered {status}"
    elif user is None:
        assert status == 401, f"{operation_id} answered {status} to an anonymous caller"
    elif not has_capability(user, capability):
        assert status in (403, 404), (
            f"{operation_id} needs {capability}, which {role} lacks, yet answered {status}"
        )
    else:
        assert status not in (401, 403), (
            f"{operation_id} needs {capability}, which {role} holds, yet answered {status}: "
            f"{response.content!r}"
        )
        if status == 404:
            assert (operation_id, role) in DOCUMENTED_API_404, response.content


def test_served_schema_is_what_was_generated(served_schema: dict[str, Any]) -> None:
    """The cases generated at collection time cover exactly the operations the API serves."""
    served = {
        (path, method)
        for path, operations in served_schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }
    assert served == set(schema_operations())


# --------------------------------------------------------------------------------------------
# Part 3: object-level scoping.
# --------------------------------------------------------------------------------------------


@pytest.fixture
def finance(world: World) -> SimpleNamespace:
    """Finance's reports on measure 2: a draft, a submitted one with evidence, a public one."""
    staff = world.other_department_user
    lead = world.users[Role.LEAD_OFFICE]
    measure = world.other_measure
    evidence = evidence_file(staff, "finance.pdf")

    def report(month: int, narrative: str, **kwargs: Any) -> ProgressReport:
        return services.report_save(
            measure=measure,
            period=dt.date(2022, month, 1),
            status=MeasureStatus.IN_PROGRESS,
            narrative=narrative,
            acting_user=staff,
            **kwargs,
        )

    draft = report(3, DRAFT_NARRATIVE)
    submitted = report(4, SUBMITTED_NARRATIVE, submit=True, evidence=[evidence])
    published = report(5, PUBLISHED_NARRATIVE, submit=True)
    published = services.report_review(
        report=published,
        rating=Rating.GOOD,
        comment="",
        public_summary=PUBLIC_SUMMARY,
        expected_version=published.lock_version,
        acting_user=lead,
    )
    assert published.is_public
    return SimpleNamespace(
        staff=staff, draft=draft, submitted=submitted, published=published, evidence=evidence
    )


def _api_report_ids(client: Client) -> set[int]:
    response = client.get(f"{API_PREFIX}plans/reports?limit=100")
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("which", ["draft", "submitted"])
def test_department_cannot_read_another_departments_unpublished_report(
    which: str, world: World, finance: SimpleNamespace
) -> None:
    """Another department's draft or submitted report is a 404 on the web and absent from the
    API list."""
    report = getattr(finance, which)
    client = client_for(world, Role.DEPARTMENT)
    response = get_page(client, reverse("plans:report_detail", args=[report.pk]))
    assert response.status_code == 404
    assert report.pk not in _api_report_ids(client)
    assert world.own_report.pk in _api_report_ids(client)


def test_department_cannot_change_another_departments_report(
    world: World, finance: SimpleNamespace
) -> None:
    """Writing a report on a measure not one's own is a 404, reviewing another's report a 403."""
    client = client_for(world, Role.DEPARTMENT)
    edit = reverse("plans:report_edit", args=[world.plan.code, world.other_measure.seq])
    response = client.post(
        edit,
        {
            "period": "2022-03",
            "status": MeasureStatus.COMPLETED,
            "narrative": "篡改",
            "submit": "1",
        },
    )
    assert response.status_code == 404
    response = client.post(
        reverse("plans:report_review", args=[finance.submitted.pk]),
        {
            "rating": Rating.EXCELLENT,
            "comment": "",
            "public_summary": "",
            "version": finance.submitted.lock_version,
        },
    )
    assert response.status_code == 403
    api = client.post(
        f"{API_PREFIX}plans/{world.plan.code}/measures/{world.other_measure.seq}/reports",
        json.dumps({"period": "2022-03", "status": "completed", "narrative": "篡改"}),
        content_type="application/json",
    )
    assert api.status_code == 404
    api = client.post(
        f"{API_PREFIX}plans/reports/{finance.submitted.pk}/review",
        json.dumps({"rating": Rating.EXCELLENT, "version": finance.submitted.lock_version}),
        content_type="application/json",
    )
    assert api.status_code == 403
    finance.draft.refresh_from_db()
    finance.submitted.refresh_from_db()
    assert finance.draft.narrative == DRAFT_NARRATIVE
    assert finance.draft.state == ReportState.DRAFT
    assert finance.submitted.state == ReportState.SUBMITTED
    assert not ProgressReport.objects.filter(
        assignment__measure=world.other_measure, assignment__department__code="market-regulation"
    ).exists()


def test_department_reads_another_departments_report_once_public(
    world: World, finance: SimpleNamespace
) -> None:
    """selectors.reports_visible_to lets a department read others' reports the lead office made
    public, and only while they stay public."""
    client = client_for(world, Role.DEPARTMENT)
    url = reverse("plans:report_detail", args=[finance.published.pk])
    assert get_page(client, url).status_code == 200
    assert finance.published.pk in _api_report_ids(client)
    services.report_publication_set(
        report=finance.published,
        public_summary="",
        is_public=False,
        expected_version=finance.published.lock_version,
        acting_user=world.users[Role.LEAD_OFFICE],
    )
    assert get_page(client, url).status_code == 404
    assert finance.published.pk not in _api_report_ids(client)


def test_lead_office_does_not_see_drafts(world: World, finance: SimpleNamespace) -> None:
    """A draft stays with its department until submitted, even for the lead office."""
    client = client_for(world, Role.LEAD_OFFICE)
    assert (
        get_page(client, reverse("plans:report_detail", args=[finance.draft.pk])).status_code == 404
    )
    ids = _api_report_ids(client)
    assert finance.draft.pk not in ids
    assert {finance.submitted.pk, finance.published.pk, world.own_report.pk} <= ids


@pytest.mark.parametrize(
    ("role", "own", "others"),
    [
        (Role.DEPARTMENT, 200, 404),
        (Role.LEAD_OFFICE, 200, 200),
        (Role.ENTERPRISE, 404, 404),
        (Role.SYSTEM_ADMIN, 404, 404),
        (Role.AUDIT_ADMIN, 404, 404),
    ],
)
def test_evidence_download_follows_the_report(
    role: str, own: int, others: int, world: World, finance: SimpleNamespace
) -> None:
    """Evidence is downloadable by the reporting department and the lead office, a 404 for
    everyone else (another department included)."""
    client = client_for(world, role)
    mine = get_page(client, reverse("core:file_download", args=[world.own_evidence.uuid]))
    theirs = get_page(client, reverse("core:file_download", args=[finance.evidence.uuid]))
    assert (mine.status_code, theirs.status_code) == (own, others)


def test_reporting_department_downloads_its_evidence_content(world: World) -> None:
    """The entitled download returns the stored bytes as an attachment."""
    client = client_for(world, Role.DEPARTMENT)
    response = client.get(reverse("core:file_download", args=[world.own_evidence.uuid]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("role", [ANONYMOUS, Role.ENTERPRISE])
def test_public_and_enterprises_see_only_public_summaries(
    role: str, world: World, finance: SimpleNamespace
) -> None:
    """The public progress page and the public measures API show published summaries, never a
    report's narrative."""
    client = client_for(world, role)
    page = get_page(client, reverse("plans:public_progress") + f"?plan={world.plan.code}")
    api = client.get(f"{API_PREFIX}plans/{world.plan.code}/measures")
    assert page.status_code == 200 and api.status_code == 200
    html = page.content.decode()
    data = json.dumps(api.json(), ensure_ascii=False)  # the raw body escapes non-ASCII text
    for text in (html, data):
        assert PUBLIC_SUMMARY in text
        for narrative in (OWN_NARRATIVE, DRAFT_NARRATIVE, SUBMITTED_NARRATIVE, PUBLISHED_NARRATIVE):
            assert narrative not in text
    # Reports themselves are for the lead office and departments only.
    detail = get_page(client, reverse("plans:report_detail", args=[finance.published.pk]))
    assert detail.status_code in (302, 403) and PUBLISHED_NARRATIVE not in detail.content.decode()
    assert client.get(f"{API_PREFIX}plans/reports").status_code in (401, 403)


def test_department_cannot_reply_to_another_departments_urging(
    world: World, finance: SimpleNamespace
) -> None:
    """An urging notice addressed to finance is a 404 for market regulation, which cannot answer
    it; finance can."""
    notice = services.urging_issue(
        measure=world.other_measure,
        department=finance.staff.department,
        message="请说明进度",
        reply_due=clock.today() + dt.timedelta(days=3),
        acting_user=world.users[Role.LEAD_OFFICE],
    )
    url = reverse("plans:urging_detail", args=[notice.pk])
    client = client_for(world, Role.DEPARTMENT)
    assert get_page(client, url).status_code == 404
    assert client.post(url, {"reply": "越权答复"}).status_code == 404
    with pytest.raises(DomainPermissionDenied):
        services.urging_reply(
            notice=notice, reply="越权答复", acting_user=world.users[Role.DEPARTMENT]
        )
    notice.refresh_from_db()
    assert notice.replied_at is None and notice.reply == ""

    owner = Client()
    owner.force_login(finance.staff)
    assert owner.post(url, {"reply": "已推进"}).status_code == 302
    notice.refresh_from_db()
    assert notice.reply == "已推进"
