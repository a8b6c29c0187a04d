"""The enterprise's pages: its list, the guidance before the form, the form with prefilled
values, auto-save, uploads, submission and withdrawal, and who may reach them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.applications.enums import Admission
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application, ApplicationTransition, Attachment
from jinqi.applications.services import (
    FormSettings,
    application_answers_save,
    application_return,
    application_start,
    attachment_add,
)
from jinqi.applications.tests.factories import (
    COMPLETE_ANSWERS,
    applicant,
    applicant_enterprise,
    applying_policy,
    pdf,
    staff,
    submitted,
)
from jinqi.core import clock
from jinqi.core.models import StoredFile
from jinqi.policies.models import Policy

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def item() -> Policy:
    return applying_policy(
        settings=FormSettings(admission=Admission.ELIGIBLE_OR_UNKNOWN), grant_amount="20"
    )


@pytest.fixture
def user() -> User:
    return applicant(applicant_enterprise(120, name="上海金山示范制造有限公司"))


@pytest.fixture
def draft(item: Policy, user: User) -> Application:
    return application_start(policy=item, acting_user=user)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- the list ------------------------------------------------------------------------------------


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:mine")).status_code == 200
    return len(queries)


def test_list_shows_the_applications_and_the_policies_taking_them(
    item: Policy, user: User, draft: Application
) -> None:
    """The list names each application with its state, offers the open policies, and runs the
    same number of queries however many rows it shows."""
    client = _client(user)
    response = client.get(reverse("applications:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert draft.reference in body and 'class="status state-draft"' in body
    assert reverse("applications:guide", args=[item.code]) in body
    one = _list_queries(client)
    for n in range(3):
        application_start(policy=applying_policy(code=f"test-more-{n}"), acting_user=user)
    assert _list_queries(client) == one


def test_list_without_applications_has_an_empty_state(item: Policy, user: User) -> None:
    """An enterprise that never applied is told so, and still sees where it can apply."""
    response = _client(user).get(reverse("applications:mine"))
    assert response.context["page_obj"].paginator.count == 0
    assert b'class="empty"' in response.content
    assert reverse("applications:guide", args=[item.code]).encode() in response.content


def test_a_returned_application_past_its_deadline_is_highlighted(item: Policy, user: User) -> None:
    """A correction due soon or overdue stands out in the list."""
    application = submitted(item, user)
    application_return(
        application=application,
        lock_version=application.lock_version,
        comment="请补充预算表",
        acting_user=staff(),
    )
    Application.objects.filter(pk=application.pk).update(deadline=clock.today())
    response = _client(user).get(reverse("applications:mine"))
    assert b'<tr class="overdue">' in response.content


def test_an_enterprise_without_a_registry_record_is_told(item: Policy) -> None:
    """Without a registry record there is nothing to apply with; the page says why."""
    stranger = UserFactory(enterprise=True, enterprise_uscc="91310116MA1JLXXXX0")
    for url in (reverse("applications:mine"), reverse("applications:guide", args=[item.code])):
        response = _client(stranger).get(url)
        assert response.status_code == 200
        assert b"91310116MA1JLXXXX0" in response.content
        assert "applications/no_record.html" in [t.name for t in response.templates]


# -- guidance (智能引导) ---------------------------------------------------------------------------


def test_guidance_for_an_eligible_enterprise_offers_to_start(item: Policy, user: User) -> None:
    """Eligible: the reasons, the prefilled value with its source, the materials, a start button."""
    response = _client(user).get(reverse("applications:guide", args=[item.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="eligible"' in body and "data-start" in body
    held = response.context["held"]
    assert [(h.label, h.value) for h in held] == [("从业人数", 120)]
    assert held[0].source and held[0].as_of
    assert "<strong>120</strong>" in body
    assert [m.label for m in response.context["fetched"]] == ["完税证明"]
    assert [m.label for m in response.context["uploaded"]] == ["项目计划书"]
    assert response.context["fetched"][0].holder != "tax-jinshan"  # the department's name


def test_guidance_with_data_missing_names_it_and_lets_the_enterprise_apply(
    item: Policy,
) -> None:
    """Unknown: which figure is missing and who holds it; the form asks for it instead."""
    user = applicant(applicant_enterprise(None))
    response = _client(user).get(reverse("applications:guide", args=[item.code]))
    body = response.content.decode()
    assert 'data-outcome="unknown"' in body and "data-start" in body
    assert [m.key for m in response.context["verdict"].missing] == ["employees"]
    assert response.context["held"] == []
    assert "从业人数" in [f.label for f in response.context["asked"]]


def test_guidance_for_an_ineligible_enterprise_gives_the_reason_and_no_start(
    item: Policy,
) -> None:
    """Not eligible: the failing condition with the value, the department's refusal, no form."""
    form_settings = FormSettings(admission=Admission.ELIGIBLE)
    strict = applying_policy(code="test-strict", settings=form_settings)
    user = applicant(applicant_enterprise(500))
    response = _client(user).get(reverse("applications:guide", args=[strict.code]))
    body = response.content.decode()
    assert 'data-outcome="not_eligible"' in body
    assert "data-start" not in body and "data-refusal" in body
    assert "500" in body
    assert _client(user).post(reverse("applications:guide", args=[strict.code])).status_code == 302
    assert not Application.objects.filter(policy=strict).exists()


def test_starting_makes_a_draft_and_a_second_start_resumes_it(item: Policy, user: User) -> None:
    """开始申报 makes one draft; pressing it again returns to the same draft."""
    client = _client(user)
    first = client.post(reverse("applications:guide", args=[item.code]))
    application = Application.objects.get(policy=item)
    assert application.state == S.DRAFT
    assert first["Location"] == reverse("applications:detail", args=[application.reference])
    again = client.post(reverse("applications:guide", args=[item.code]))
    assert again["Location"] == first["Location"]
    assert Application.objects.filter(policy=item).count() == 1


# -- the form ------------------------------------------------------------------------------------


def test_the_form_shows_prefilled_values_read_only_and_asks_the_rest(
    draft: Application, user: User
) -> None:
    """The employees figure is shown with its source, not asked; the conditional field is hidden."""
    response = _client(user).get(reverse("applications:detail", args=[draft.reference]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="employees"' not in body and "<strong>120</strong>" in body
    asked = {f.spec.key: f for f in response.context["fields"]}
    assert list(asked) == ["project_name", "has_export", "export_revenue", "note"]
    assert asked["export_revenue"].hidden
    assert 'data-show-when-field="has_export" data-show-when-value="true"' in body
    assert 'type="file"' in body


def _autosave(client: Client, application: Application, body: Any) -> Any:
    url = reverse("applications:autosave", args=[application.reference])
    return client.post(url, {"answers": body if isinstance(body, str) else json.dumps(body)})


def test_autosave_keeps_what_was_typed_even_if_not_valid_yet(
    draft: Application, user: User
) -> None:
    """Auto-save stores the answers, the typed text of an invalid number included, and says
    what is wrong with it; the page shows it back as typed."""
    client = _client(user)
    response = _autosave(
        client,
        draft,
        {"project_name": "智能产线改造", "has_export": "true", "export_revenue": "12万"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["saved_at"] and set(data["problems"]) == {"export_revenue"}
    draft.refresh_from_db()
    assert draft.answers == {
        "project_name": "智能产线改造",
        "has_export": True,
        "export_revenue": "12万",
    }
    page = client.get(reverse("applications:detail", args=[draft.reference])).content.decode()
    assert 'value="12万"' in page and 'value="true" checked' in page


@pytest.mark.parametrize(
    "body", ["{not json", '["a list"]', {"project_name": 3}, {"no_such_field": "x"}]
)
def test_autosave_refuses_what_it_cannot_read_and_changes_nothing(
    draft: Application, user: User, body: Any
) -> None:
    """Bad JSON, values that are not texts, or a field the form lacks: 400, answers unchanged."""
    application_answers_save(application=draft, answers={"project_name": "原样"}, acting_user=user)
    response = _autosave(_client(user), draft, body)
    assert response.status_code == 400 and response.json()["error"]
    draft.refresh_from_db()
    assert draft.answers == {"project_name": "原样"}


@pytest.mark.parametrize("typed", ["智能\x00产线", "智能\u202e产线"])
def test_autosave_refuses_a_control_character_and_changes_nothing(
    draft: Application, user: User, typed: str
) -> None:
    """A NUL or a direction override in a short text: 400 with a Chinese message, answers kept."""
    application_answers_save(application=draft, answers={"project_name": "原样"}, acting_user=user)
    response = _autosave(_client(user), draft, {"project_name": typed, "has_export": "true"})
    assert response.status_code == 400
    assert "不允许" in response.json()["error"]
    draft.refresh_from_db()
    assert draft.answers == {"project_name": "原样"}


def test_submit_with_a_control_character_shows_it_and_submits_nothing(
    draft: Application, user: User
) -> None:
    """Submitting a text with a NUL answers 400 with the message by the field; nothing is saved."""
    application_answers_save(application=draft, answers={"project_name": "原样"}, acting_user=user)
    response = _submit(_client(user), draft, project_name="a\x00b")
    assert response.status_code == 400
    assert "不允许" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and draft.answers == {"project_name": "原样"}


def test_autosave_of_a_submitted_application_is_refused(item: Policy, user: User) -> None:
    """Once submitted, the answers are the department's to read, not the enterprise's to edit."""
    application = submitted(item, user)
    response = _autosave(_client(user), application, {"project_name": "改了"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.answers["project_name"] == COMPLETE_ANSWERS["project_name"]


def _submit(client: Client, application: Application, **fields: str) -> Any:
    url = reverse("applications:submit", args=[application.reference])
    return client.post(url, {"lock_version": str(application.lock_version), **fields})


def test_submission_problems_are_shown_by_their_fields_and_nothing_is_submitted(
    draft: Application, user: User
) -> None:
    """Missing answers and material: each message by its field and in the summary; the state
    and the lock stay as they were, and what was typed is kept."""
    response = _submit(_client(user), draft, has_export="true", export_revenue="abc")
    assert response.status_code == 400
    body = response.content.decode()
    fields = {f.spec.key: f for f in response.context["fields"]}
    assert fields["project_name"].error
    assert fields["export_revenue"].error and fields["export_revenue"].raw == "abc"
    assert not fields["export_revenue"].hidden
    assert 'value="abc"' in body and "data-problems" in body
    assert response.context["uploaded"][0].error  # the business plan is not uploaded
    draft.refresh_from_db()
    assert (draft.state, draft.lock_version) == (S.DRAFT, 0)
    assert draft.answers == {"has_export": True, "export_revenue": "abc"}
    assert not ApplicationTransition.objects.filter(application=draft).exists()


def test_a_complete_application_is_submitted(draft: Application, user: User) -> None:
    """The answers posted with the submit button are saved, then the application is submitted."""
    attachment_add(application=draft, material="business_plan", file=pdf(), acting_user=user)
    client = _client(user)
    response = _submit(
        client, draft, project_name="智能产线改造", has_export="false", note="", export_revenue=""
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    assert draft.answers == {"project_name": "智能产线改造", "has_export": False}
    page = client.get(response["Location"])
    assert 'class="status state-submitted"' in page.content.decode()
    assert page.context["transitions"].count() == 1
    assert 'id="application-form"' not in page.content.decode()


def test_a_stale_submit_is_refused_with_a_message(draft: Application, user: User) -> None:
    """A form with an old lock version (another tab submitted first) is refused clearly."""
    attachment_add(application=draft, material="business_plan", file=pdf(), acting_user=user)
    application_answers_save(application=draft, answers=COMPLETE_ANSWERS, acting_user=user)
    url = reverse("applications:submit", args=[draft.reference])
    response = _client(user).post(
        url,
        {"lock_version": "7", "project_name": "x", "has_export": "false"},
        follow=True,
    )
    assert any("reload" in m or "刷新" in m or "重新" in m for m in _messages(response))
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_withdrawing(draft: Application, user: User) -> None:
    """Withdrawing ends the application; the page then shows it read-only."""
    url = reverse("applications:withdraw", args=[draft.reference])
    response = _client(user).post(url, {"lock_version": "0", "comment": "不再申请"}, follow=True)
    draft.refresh_from_db()
    assert draft.state == S.WITHDRAWN
    assert response.context["transitions"][0].comment == "不再申请"


# -- uploads -------------------------------------------------------------------------------------


def _upload(client: Client, application: Application, upload: Any, material: str) -> Any:
    url = reverse("applications:attachment_add", args=[application.reference])
    return client.post(url, {"material": material, "file": upload}, follow=True)


def test_a_pdf_is_attached_and_can_be_removed(draft: Application, user: User) -> None:
    """A good PDF is attached to its material and listed with a download link."""
    client = _client(user)
    response = _upload(client, draft, pdf("计划书.pdf"), "business_plan")
    attachment = Attachment.objects.get(application=draft)
    assert attachment.material == "business_plan"
    assert reverse("core:file_download", args=[attachment.file.uuid]) in response.content.decode()
    client.post(reverse("applications:attachment_remove", args=[attachment.pk]))
    assert not Attachment.objects.filter(application=draft).exists()


@pytest.mark.parametrize(
    ("name", "content", "material"),
    [
        ("计划书.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "business_plan"),
        ("空.pdf", b"", "business_plan"),
        ("完税证明.pdf", None, "tax_clearance"),  # fetched from the tax bureau, not uploaded
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_stored(
    draft: Application, user: User, name: str, content: bytes | None, material: str
) -> None:
    """A renamed executable, an empty file, or a material the government fetches: a message,
    no attachment, no stored file."""
    files_before = StoredFile.objects.count()
    upload = pdf(name) if content is None else SimpleUploadedFile(name, content)
    response = _upload(_client(user), draft, upload, material)
    assert response.status_code == 200
    assert any("msg-error" in line for line in response.content.decode().splitlines())
    assert not Attachment.objects.exists()
    assert StoredFile.objects.count() == files_before


# -- who may reach these pages -------------------------------------------------------------------


def _enterprise_urls(application: Application, attachment: Attachment) -> list[str]:
    ref = application.reference
    return [
        reverse("applications:detail", args=[ref]),
        reverse("applications:autosave", args=[ref]),
        reverse("applications:attachment_add", args=[ref]),
        reverse("applications:attachment_remove", args=[attachment.pk]),
        reverse("applications:submit", args=[ref]),
        reverse("applications:withdraw", args=[ref]),
    ]


def test_another_enterprises_application_is_a_404_everywhere(
    draft: Application, user: User
) -> None:
    """Another enterprise cannot see, save, upload to, submit or withdraw this application."""
    attachment = attachment_add(
        application=draft, material="business_plan", file=pdf(), acting_user=user
    )
    other = _client(applicant(applicant_enterprise(80)))
    for url in _enterprise_urls(draft, attachment):
        assert other.get(url).status_code in (404, 405), url
        assert other.post(url, {"lock_version": "0", "answers": "{}"}).status_code == 404, url
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and Attachment.objects.filter(application=draft).exists()


def test_staff_get_403_on_the_enterprise_pages(
    item: Policy, draft: Application, user: User
) -> None:
    """Departments and the lead office review applications elsewhere; these pages are refused."""
    attachment = attachment_add(
        application=draft, material="business_plan", file=pdf(), acting_user=user
    )
    urls = [
        reverse("applications:mine"),
        reverse("applications:guide", args=[item.code]),
        *_enterprise_urls(draft, attachment),
    ]
    for someone in (staff(), UserFactory(lead_office=True)):
        client = _client(someone)
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url).status_code == 403, url
