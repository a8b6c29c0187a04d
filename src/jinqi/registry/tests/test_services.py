"""Facts with history, the materialised profile, masking, audited reads and corrections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.audit.enums import AuditAction
from jinqi.audit.models import AuditEvent
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.notifications.models import Notification
from jinqi.registry import services
from jinqi.registry.masking import mask_name, mask_phone
from jinqi.registry.models import CorrectionRequest
from jinqi.registry.selectors import profile_dict
from jinqi.registry.tests.factories import enterprise, facts, stored_facts

pytestmark = pytest.mark.django_db


def test_newer_fact_supersedes_and_older_stays_as_history() -> None:
    """A later as-of date becomes current; an earlier one arriving late is kept as history."""
    firm = enterprise()
    facts(firm, "human-resources", dt.date(2025, 3, 1), employees_2024=120)
    facts(firm, "human-resources", dt.date(2025, 9, 1), employees_2024=130)
    facts(firm, "human-resources", dt.date(2025, 1, 1), employees_2024=110)
    rows = [f for f in stored_facts(firm, "employees") if f.year == 2024]
    assert [(f.value, f.is_current) for f in sorted(rows, key=lambda f: f.as_of)] == [
        (110, False),
        (120, False),
        (130, True),
    ]
    assert profile_dict(firm)["employees"] == 130


def test_profile_takes_latest_year_and_sums_three_years() -> None:
    """The profile shows last year's figure and the three-year sum only when all years exist."""
    firm = enterprise()
    facts(
        firm,
        "tax-jinshan",
        dt.date(2025, 5, 31),
        revenue_2022=100,
        revenue_2023=200,
        revenue_2024=300,
    )
    profile = profile_dict(firm)
    assert (profile["revenue"], profile["revenue_3y"]) == (300, 600)
    other = enterprise()
    facts(other, "tax-jinshan", dt.date(2025, 5, 31), revenue_2022=100, revenue_2024=300)
    assert profile_dict(other)["revenue_3y"] is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"employees_2024": -3}, "cannot be negative"),
        ({"employees_2024": "many"}, "is not a number"),
        ({"no_such_key": 1}, "Unknown field"),
        ({"size_class": "small"}, "derived by the registry"),
        ({"layoff_rate_last_year_2024": 5}, "between 0 and 1"),
    ],
)
def test_bad_fact_is_refused_and_nothing_recorded(values: dict[str, object], message: str) -> None:
    """A fact that cannot be read says why, and none of the batch is recorded."""
    firm = enterprise()
    with translation.override("en"), pytest.raises(DomainError) as caught:
        facts(firm, "human-resources", dt.date(2025, 3, 1), employees_2023=90, **values)
    assert message in caught.value.message
    assert not stored_facts(firm)


def test_masking_keeps_only_what_identifies_nobody() -> None:
    """Names keep their first character and phones their prefix and last four digits."""
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("") == ""


def test_registry_list_masks_personal_data_and_reveal_is_audited() -> None:
    """Lists show masked names; revealing them on the record page writes an audit row."""
    firm = enterprise(legal_representative="王大明", contact_phone="13912345678")
    staff = department_user("market-regulation")
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("registry:list")).content.decode()
    assert "王**" in page and "王大明" not in page
    detail = client.get(reverse("registry:detail", args=[firm.uscc])).content.decode()
    assert "王大明" not in detail and "139****5678" in detail
    moment = dt.datetime(2022, 7, 15, 2, 0, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        revealed = client.post(
            reverse("registry:reveal", args=[firm.uscc]), {"reason": "核实申报材料中的联系人"}
        ).content.decode()
    assert "王大明" in revealed and "13912345678" in revealed
    audit = AuditEvent.objects.get(action=AuditAction.READ_PERSONAL_DATA, actor=staff)
    assert (audit.object_id, audit.at) == (str(firm.pk), moment)
    assert audit.changes["note"] == "核实申报材料中的联系人"


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "这个字段是必填项。"),
        ("   ", "这个字段是必填项。"),
        ("查" * 201, "最多 200 个字"),
    ],
)
def test_a_reveal_without_a_valid_reason_is_refused_and_not_recorded(
    reason: str, message: str
) -> None:
    """No reason, a blank one or an overlong one: the page says why, the data stays masked and
    nothing is written to the audit trail."""
    firm = enterprise(legal_representative="王大明", contact_phone="13912345678")
    client = Client()
    client.force_login(department_user("market-regulation"))
    response = client.post(reverse("registry:reveal", args=[firm.uscc]), {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "王大明" not in page and "13912345678" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.READ_PERSONAL_DATA).exists()


def test_the_service_refuses_a_reading_without_a_reason() -> None:
    """Called directly, the service still wants a reason and records nothing without one."""
    firm = enterprise()
    with pytest.raises(DomainError, match="说明查看个人信息的理由"):
        services.personal_data_read(
            enterprise=firm, acting_user=department_user("market-regulation"), purpose=" "
        )
    assert not AuditEvent.objects.filter(action=AuditAction.READ_PERSONAL_DATA).exists()


def test_lead_office_sees_masked_data_and_cannot_reveal() -> None:
    """The lead office supervises but does not need personal data: reveal is refused."""
    firm = enterprise(legal_representative="王大明")
    client = Client()
    client.force_login(UserFactory(lead_office=True))
    assert "王大明" not in client.get(reverse("registry:detail", args=[firm.uscc])).content.decode()
    reveal = reverse("registry:reveal", args=[firm.uscc])
    assert client.post(reveal, {"reason": "好奇"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.READ_PERSONAL_DATA).exists()


def test_enterprise_sees_only_its_own_record() -> None:
    """An enterprise user reads its own record unmasked (audited) and gets 404 for others."""
    own = enterprise(legal_representative="赵六")
    other = enterprise()
    user = UserFactory(enterprise=True, enterprise_uscc=own.uscc)
    client = Client()
    client.force_login(user)
    assert "赵六" in client.get(reverse("registry:mine")).content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.READ_PERSONAL_DATA, actor=user).exists()
    assert client.get(reverse("registry:detail", args=[other.uscc])).status_code == 403


def test_enterprise_flags_a_fact_and_the_source_department_answers() -> None:
    """A flagged fact becomes a correction request with a deadline for the source department,
    whose correction records a new current fact."""
    firm = enterprise()
    facts(firm, "tax-jinshan", dt.date(2025, 5, 31), revenue_2024=300)
    [fact] = stored_facts(firm, "revenue")
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc)
    tax_staff = department_user("tax-jinshan")
    request = services.correction_request_raise(
        fact=fact, reason="应为 350 万元", acting_user=owner
    )
    assert request.department.code == "tax-jinshan" and request.due_on > request.raised_at.date()
    assert Notification.objects.filter(recipient=tax_staff).exists()
    with pytest.raises(DomainError):
        services.correction_request_raise(fact=fact, reason="again", acting_user=owner)
    with pytest.raises(PermissionDenied):
        services.correction_request_answer(
            request=request,
            corrected=True,
            answer="ok",
            new_value=350,
            acting_user=department_user("economy"),
        )
    services.correction_request_answer(
        request=request, corrected=True, answer="已更正", new_value=350, acting_user=tax_staff
    )
    assert CorrectionRequest.objects.get().state == CorrectionRequest.State.CORRECTED
    assert profile_dict(firm)["revenue"] == 350
    assert Notification.objects.filter(recipient=owner).exists()


def test_a_fact_without_a_year_takes_one_open_correction_request() -> None:
    """A second request on a fact that has no year is refused while the first is open (the
    database's constraint counts a missing year as one value) and nothing is stored."""
    firm = enterprise()
    facts(firm, "science", dt.date(2025, 6, 30), is_high_tech=True)
    [fact] = stored_facts(firm, "is_high_tech")
    owner = UserFactory(enterprise=True, enterprise_uscc=firm.uscc)
    services.correction_request_raise(fact=fact, reason="已失效", acting_user=owner)
    with pytest.raises(DomainError, match="该数据已有尚未办结的更正申请"):
        services.correction_request_raise(fact=fact, reason="再次", acting_user=owner)
    assert CorrectionRequest.objects.count() == 1
