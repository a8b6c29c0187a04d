"""An XLSX declaring nested entities (the "billion laughs") and a ZIP bomb, sent where issue #12
found them accepted or crashing: an application's attachment (web and API), a report's evidence,
an appeal's attachment, the registry import (web and API) and the plan import page. Each is
refused with a message in Chinese, and neither a row nor a file on disk is left behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.appeals.models import Appeal
from jinqi.appeals.tests import factories as appeal_factories
from jinqi.applications.models import Attachment
from jinqi.applications.services import application_start
from jinqi.applications.tests.factories import applicant, applicant_enterprise, applying_policy
from jinqi.core import clock
from jinqi.core.models import StoredFile
from jinqi.core.tests.archives import entity_xlsx, xlsx_bomb
from jinqi.plans.models import Plan, ProgressReport
from jinqi.plans.tests.factories import import_plan, small_plan_csv
from jinqi.registry.models import ImportBatch

pytestmark = pytest.mark.django_db

ENTITIES = "声明了 DTD 或实体"  # the refusal of a part declaring entities, in Chinese
BOMB = "解压后将达 200 MB"
HOSTILE = [(entity_xlsx(), ENTITIES), (xlsx_bomb(), BOMB)]
IDS = ["entity-expansion", "zip-bomb"]


def _client(user: User) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


def _files_on_disk() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.fixture
def nothing_stored() -> Any:
    """Asserts, after the test, that no stored file row and no file on disk were added."""
    before = (StoredFile.objects.count(), _files_on_disk())
    yield
    assert (StoredFile.objects.count(), _files_on_disk()) == before


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_an_application_attachment_page_refuses_it(
    content: bytes, expected: str, nothing_stored: None
) -> None:
    """The attachment form answers with the reason in Chinese; no attachment is made."""
    user = applicant(applicant_enterprise())
    draft = application_start(policy=applying_policy(), acting_user=user)
    response = _client(user).post(
        reverse("applications:attachment_add", args=[draft.reference]),
        {"material": "business_plan", "file": SimpleUploadedFile("计划书.xlsx", content)},
        follow=True,
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_the_application_attachment_api_refuses_it(
    content: bytes, expected: str, nothing_stored: None
) -> None:
    """The attachments endpoint answers 400 with the reason in Chinese; no attachment."""
    user = applicant(applicant_enterprise())
    draft = application_start(policy=applying_policy(), acting_user=user)
    reply = _client(user).post(
        f"/api/v1/applications/{draft.reference}/attachments",
        {"material": "business_plan", "file": SimpleUploadedFile("plan.xlsx", content)},
    )
    assert reply.status_code == 400, reply.content
    assert expected in reply.json()["error"]["message"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_the_report_form_refuses_it_as_evidence(
    content: bytes, expected: str, nothing_stored: None
) -> None:
    """A department's progress report with the file as evidence answers with the reason in
    Chinese; no report is saved."""
    plan = import_plan(small_plan_csv())
    with clock.frozen_at(dt.datetime(2022, 7, 15, 10, 0)):
        response = _client(department_user("market-regulation")).post(
            reverse("plans:report_edit", args=[plan.code, 1]),
            {
                "period": "2022-07",
                "status": "in_progress",
                "narrative": "系统已改造完成一半。",
                "indicator_values": "",
                "evidence": [SimpleUploadedFile("佐证.xlsx", content)],
            },
        )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_the_appeal_form_refuses_it(content: bytes, expected: str, nothing_stored: None) -> None:
    """Filing an appeal with the file answers with the reason in Chinese; no appeal is filed."""
    response = _client(appeal_factories.firm_user()).post(
        reverse("appeals:file"),
        {
            "kind": "request",
            "category": appeal_factories.category().pk,
            "title": "加计扣除",
            "text": appeal_factories.TEXT,
            "contact_channel": "inbox",
            "contact_value": "",
            "files": [SimpleUploadedFile("发票.xlsx", content)],
        },
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_the_registry_import_page_refuses_it(
    content: bytes, expected: str, nothing_stored: None
) -> None:
    """The import page shows the reason in Chinese; no batch starts."""
    response = _client(department_user("human-resources")).post(
        reverse("registry:imports"), {"file": SimpleUploadedFile("人社数据.xlsx", content)}
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_the_registry_import_api_refuses_it(
    content: bytes, expected: str, nothing_stored: None
) -> None:
    """The imports endpoint answers 400 with the reason in Chinese; no batch starts."""
    reply = _client(department_user("human-resources")).post(
        "/api/v1/registry/imports", {"file": SimpleUploadedFile("data.xlsx", content)}
    )
    assert reply.status_code == 400, reply.content
    assert expected in reply.json()["error"]["message"]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(("content", "expected"), HOSTILE, ids=IDS)
def test_the_plan_import_page_refuses_it(
    content: bytes, expected: str, nothing_stored: None
) -> None:
    """The plan import page lists the reason in Chinese (it answered 500 before); no plan."""
    response = _client(UserFactory(lead_office=True)).post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile("方案.xlsx", content),
            "code": "hostile-2022",
            "title": "上传方案",
            "year": 2022,
        },
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Plan.objects.filter(code="hostile-2022").exists()
