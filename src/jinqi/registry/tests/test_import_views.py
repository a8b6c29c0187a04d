"""The import page: a department uploads a file, the worker imports it, the batch shows its
status, counts and rejected rows; another department sees none of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import department_user
from jinqi.audit.models import AuditEvent
from jinqi.core.models import StoredFile
from jinqi.registry.models import Delivery, ImportBatch
from jinqi.registry.tests.factories import enterprise, stored_facts, with_wrong_check_digit

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120  # the start of a Linux executable


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, name: str, content: bytes, **data: str) -> Any:
    return client.post(
        reverse("registry:imports"), {"file": SimpleUploadedFile(name, content), **data}
    )


def _nothing_stored() -> bool:
    return not (
        StoredFile.objects.filter(purpose="registry.import_file").exists()
        or ImportBatch.objects.exists()
        or Delivery.objects.exists()
    )


def test_a_good_file_is_imported_in_the_background_and_its_batch_shown(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The upload is queued, the worker imports the good row as the uploader's department, and
    the batch page shows the counts, the rejected row with its reason and the report link."""
    firm = enterprise()
    staff = department_user("human-resources")
    client = _client(staff)
    content = (
        f"uscc,employees_2025\n{firm.uscc},42\n{with_wrong_check_digit(firm.uscc)},7\n".encode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "人社数据.csv", content, as_of="2026-06-30")
    assert response.status_code == 302
    [fact] = stored_facts(firm, "employees")
    assert (fact.value, fact.source.code, str(fact.as_of)) == (42, "human-resources", "2026-06-30")
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.rows_total, batch.rows_rejected) == ("completed", 2, 1)
    queued = AuditEvent.objects.get(object_type="core.storedfile", actor=staff)
    assert queued.changes["note"] == "registry import queued as of 2026-06-30"
    listing = client.get(reverse("registry:imports")).content.decode()
    assert "人社数据.csv" in listing
    assert reverse("registry:import_detail", args=[batch.pk]) in listing
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert "已完成" in page
    assert batch.error_report is not None
    assert reverse("core:file_download", args=[batch.error_report.uuid]) in page
    assert "<td>3</td>" in page  # the rejected row's number, as the file shows it
    assert "校验码" in page  # its reason, in Chinese


def test_an_executable_renamed_csv_is_refused_in_chinese_and_nothing_stored(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A file that is not a table by its content is refused with a clear message; no file, batch
    or fact is kept and no import is queued."""
    client = _client(department_user("human-resources"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _upload(client, "员工名册.csv", ELF)
    assert response.status_code == 200
    text = response.content.decode()
    assert "类型不符合要求" in text and "CSV, XLSX, PARQUET" in text
    assert callbacks == [] and _nothing_stored()


def test_a_file_with_wrong_columns_is_refused_with_its_problems_and_nothing_stored(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A table without the code column is refused at once, saying which column is missing."""
    client = _client(department_user("human-resources"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _upload(client, "名册.csv", "企业名称,从业人数_2025\n甲,1\n".encode())
    text = response.content.decode()
    assert "未存储任何内容" in text and "uscc" in text
    assert callbacks == [] and _nothing_stored()


def test_another_department_cannot_see_the_batch(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A batch belongs to its department: another department gets a 404 and an empty list."""
    firm = enterprise()
    with django_capture_on_commit_callbacks(execute=True):
        content = f"uscc,employees_2025\n{firm.uscc},3\n".encode()
        _upload(_client(department_user("human-resources")), "a.csv", content)
    batch = ImportBatch.objects.get()
    other = _client(department_user("finance"))
    assert other.get(reverse("registry:import_detail", args=[batch.pk])).status_code == 404
    assert "a.csv" not in other.get(reverse("registry:imports")).content.decode()


def test_the_lead_office_cannot_import_on_behalf_of_a_department() -> None:
    """Importing is a department's own act (registry.push_facts): the lead office gets 403."""
    from jinqi.accounts.tests.factories import UserFactory

    client = _client(UserFactory(lead_office=True))
    assert client.get(reverse("registry:imports")).status_code == 403
    assert _upload(client, "a.csv", b"uscc,employees_2025\n").status_code == 403
    assert _nothing_stored()


def test_the_batch_list_is_paginated_with_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    """Thirty batches: the first page shows 25 in a bounded number of queries."""
    from jinqi.core import clock

    staff = department_user("human-resources")
    assert staff.department is not None
    ImportBatch.objects.bulk_create(
        ImportBatch(
            source=staff.department,
            file_name=f"batch-{n:02}.csv",
            sha256=f"{n:064}",
            started_by=staff,
            started_at=clock.now(),
        )
        for n in range(30)
    )
    client = _client(staff)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("registry:imports")).content.decode()
    assert page.count("batch-") == 25
    assert "batch-" in client.get(reverse("registry:imports") + "?page=2").content.decode()
