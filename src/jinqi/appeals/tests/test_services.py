"""Filing, routing, working-day limits, escalation, the follow-up, duplicates and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jinqi.accounts.models import Department
from jinqi.accounts.tests.factories import department_user
from jinqi.appeals import selectors, services
from jinqi.appeals.enums import AppealState as S
from jinqi.appeals.enums import Overdue
from jinqi.appeals.models import Appeal, Attachment, Entry
from jinqi.appeals.tests import factories as f
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.models import StoredFile
from jinqi.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour)


def test_an_appeal_goes_to_the_department_its_category_names() -> None:
    """The routing table decides: 税费 goes to 金山税务局, 社保与用工 to 区人社局."""
    assert f.filed().department.code == "tax-jinshan"
    assert f.filed(code="social-insurance").department.code == "human-resources"


def test_a_changed_routing_table_applies_to_new_appeals_only() -> None:
    """The lead office reroutes a category; appeals already filed stay with their department."""
    before = f.filed()
    category = f.category()
    services.category_save(
        category=category,
        department=Department.objects.get(code="finance"),
        regime=category.regime,
        is_active=True,
        acting_user=f.lead(),
    )
    assert f.filed().department.code == "finance"
    before.refresh_from_db()
    assert before.department.code == "tax-jinshan"


def test_the_routing_table_refuses_a_group_and_a_department() -> None:
    """Only the lead office edits the table, and a category goes to one unit, not a group."""
    category = f.category()
    with pytest.raises(PermissionDenied):
        services.category_save(
            category=category,
            department=category.department,
            regime=category.regime,
            is_active=True,
            acting_user=f.staff_of(category),
        )
    with pytest.raises(DomainError):
        services.category_save(
            category=category,
            department=Department.objects.groups().first(),  # type: ignore[arg-type]  # seeded
            regime=category.regime,
            is_active=True,
            acting_user=f.lead(),
        )


def test_limits_are_counted_in_working_days_across_national_day() -> None:
    """Filed on 30 September 2025: the 国庆 holiday (1–8 October) does not count, the make-up
    Saturday 11 October does: first response by 9 October, resolution by 14 October."""
    with clock.frozen_at(at(2025, 9, 30)):
        appeal = f.filed()
    assert appeal.response_due == dt.date(2025, 10, 9)
    assert appeal.resolution_due == dt.date(2025, 10, 14)


def test_a_complex_case_gets_the_longer_limit() -> None:
    """Declared complex at the first response, the resolution limit is the regime's 15 days."""
    with clock.frozen_at(at(2026, 3, 2)):
        appeal = f.filed()
        appeal = f.step(
            services.appeal_respond, appeal, f.staff_of(appeal), text="复杂", is_complex=True
        )
    assert appeal.is_complex
    assert appeal.resolution_due == dt.date(2026, 3, 23)


def test_waiting_for_the_enterprise_does_not_count() -> None:
    """The department asks for information; the enterprise answers three working days later; the
    resolution deadline moves by those three days."""
    with clock.frozen_at(at(2026, 3, 2)):  # Monday
        user = f.firm_user()
        appeal = f.filed(user)
        due = appeal.resolution_due
        appeal = f.step(services.appeal_ask_info, appeal, f.staff_of(appeal), text="请补充合同")
        assert appeal.responded_on == dt.date(2026, 3, 2)  # asking counts as the first response
        clock.advance(dt.timedelta(days=3))
        appeal = f.step(
            services.appeal_supply_info, appeal, user, text="合同见附件", files=[f.pdf()]
        )
    assert appeal.state == S.IN_PROGRESS
    assert appeal.resolution_due == due + dt.timedelta(days=3)
    assert Attachment.objects.filter(appeal=appeal).count() == 1


def test_a_transfer_restarts_the_limits_with_the_new_department() -> None:
    """Transferred with a reason: the receiving department must respond anew, on fresh limits,
    and the transferring one no longer sees the appeal."""
    new_staff = department_user("finance")
    with clock.frozen_at(at(2026, 3, 2)):
        appeal = f.filed()
        staff = f.staff_of(appeal)
        f.step(services.appeal_respond, appeal, staff, text="已收到")
    with clock.frozen_at(at(2026, 3, 4)):
        appeal = f.step(
            services.appeal_transfer,
            appeal,
            staff,
            department=Department.objects.get(code="finance"),
            reason="属于金融办职责",
        )
    assert (appeal.state, appeal.department.code) == (S.SUBMITTED, "finance")
    assert appeal.responded_on is None
    assert appeal.response_due == dt.date(2026, 3, 5)
    assert appeal.transfer_count == 1
    assert not selectors.appeals_visible_to(staff).filter(pk=appeal.pk).exists()
    assert Notification.objects.filter(recipient=new_staff, kind="appeals.new").exists()


def test_an_overdue_appeal_escalates_once_and_notifies_once() -> None:
    """Not answered within a working day: the job escalates it to the lead office; the
    department and the lead office get one notice; running again changes nothing."""
    lead = f.lead()
    with clock.frozen_at(at(2026, 3, 2)):  # Monday; response due Tuesday
        appeal = f.filed()
        staff = f.staff_of(appeal)
        assert services.appeals_escalate_overdue() == 0
        clock.advance(dt.timedelta(days=1))
        assert services.appeals_escalate_overdue() == 0  # due today is not overdue
        clock.advance(dt.timedelta(days=1))
        assert services.appeals_escalate_overdue() == 1
        assert services.appeals_escalate_overdue() == 0
    appeal.refresh_from_db()
    assert appeal.escalated_for == Overdue.RESPONSE
    assert appeal.state == S.SUBMITTED
    for user in (staff, lead):
        assert Notification.objects.filter(recipient=user, kind="appeals.escalated").count() == 1
    assert list(selectors.escalated(lead)) == [appeal]


def test_a_late_resolution_escalates_again() -> None:
    """Escalated for the late response, then answered but not resolved in five working days:
    escalated a second time, for the resolution."""
    with clock.frozen_at(at(2026, 3, 2)):
        appeal = f.filed()
        clock.advance(dt.timedelta(days=2))
        services.appeals_escalate_overdue()
        appeal = f.step(services.appeal_respond, appeal, f.staff_of(appeal), text="已收到")
        clock.advance(dt.timedelta(days=6))  # past Monday 9 March, the resolution limit
        assert services.appeals_escalate_overdue() == 1
        assert services.appeals_escalate_overdue() == 0
    appeal.refresh_from_db()
    assert appeal.escalated_for == Overdue.RESOLUTION
    assert Entry.objects.filter(appeal=appeal, action="escalate").count() == 2


def test_the_lead_office_reassigns_an_escalated_appeal() -> None:
    """Reassigned: the escalation is settled, the new department has fresh limits."""
    lead = f.lead()
    with clock.frozen_at(at(2026, 3, 2)):
        appeal = f.filed()
        clock.advance(dt.timedelta(days=2))
        services.appeals_escalate_overdue()
        services.appeal_urge(appeal=appeal, text="请今日内联系企业", acting_user=lead)
        appeal = f.step(
            services.appeal_reassign,
            appeal,
            lead,
            department=Department.objects.get(code="finance"),
            reason="改由金融办办理",
        )
    assert appeal.escalated_at is None and appeal.department.code == "finance"
    assert not selectors.escalated(lead).exists()


def test_four_weeks_after_closing_the_enterprise_is_asked_and_no_reopens() -> None:
    """The follow-up goes out once, four weeks after closing; "no" reopens the appeal with its
    department and counts as a reopening."""
    with clock.frozen_at(at(2026, 3, 2)):
        appeal, user, _staff = f.resolved()
        appeal = f.step(services.appeal_confirm, appeal, user, rating=5)
        clock.advance(dt.timedelta(days=27))
        assert services.appeals_follow_up_due() == 0
        clock.advance(dt.timedelta(days=1, hours=1))
        assert services.appeals_follow_up_due() == 1
        assert services.appeals_follow_up_due() == 0
        assert Notification.objects.filter(recipient=user, kind="appeals.follow_up").count() == 1
        appeal.refresh_from_db()
        appeal = services.appeal_follow_up_answer(appeal=appeal, solved=False, acting_user=user)
    assert appeal.state == S.IN_PROGRESS
    assert appeal.reopen_count == 1 and appeal.follow_up_solved is False
    with pytest.raises(DomainError):
        services.appeal_follow_up_answer(appeal=appeal, solved=True, acting_user=user)


def test_yes_to_the_follow_up_is_recorded() -> None:
    """ "Yes" keeps the appeal closed and records the answer."""
    appeal, user, _staff = f.resolved()
    appeal = f.step(services.appeal_confirm, appeal, user, rating=4)
    Appeal.objects.filter(pk=appeal.pk).update(follow_up_sent_at=clock.now())
    appeal.refresh_from_db()
    appeal = services.appeal_follow_up_answer(appeal=appeal, solved=True, acting_user=user)
    assert appeal.state == S.CLOSED and appeal.follow_up_solved is True


def test_duplicates_are_found_and_merged() -> None:
    """The same enterprise telling the same matter again is found (not a different matter, not
    another enterprise) and refused unless filed anyway; merged, the duplicate closes, its
    enterprise is told and its messages show on the original."""
    user = f.firm_user()
    original = f.filed(user)
    again = "关于研发费用加计扣除口径：委托外部机构开展研发活动的费用，能否全部计入加计扣除基数？"
    found = selectors.possible_duplicates(
        enterprise=original.enterprise, category=original.category, title="加计扣除", text=again
    )
    assert [a for a, _score in found] == [original]
    assert not selectors.possible_duplicates(
        enterprise=original.enterprise,
        category=original.category,
        title="社保",
        text="新招聘的外省员工社保关系转入手续如何办理？",
    )
    assert not selectors.possible_duplicates(
        enterprise=f.firm(), category=original.category, title="加计扣除", text=again
    )
    with pytest.raises(services.DuplicateAppealError) as refused:
        f.filed(user, title="加计扣除", text=again)
    assert refused.value.details == [original.reference]
    assert Appeal.objects.count() == 1
    duplicate = f.filed(user, title="加计扣除", text=again, file_anyway=True)
    staff = f.staff_of(duplicate)
    assert [a for a, _s in selectors.duplicates_for_handler(duplicate)] == [original]
    duplicate = services.appeal_merge(
        duplicate=duplicate,
        original=original,
        lock_version=duplicate.lock_version,
        acting_user=staff,
    )
    assert duplicate.state == S.MERGED and duplicate.merged_into == original
    assert Notification.objects.filter(recipient=user, title__contains=duplicate.reference).exists()
    texts = [e.text for e in selectors.timeline(original)]
    assert again in texts and f.TEXT in texts


def test_an_appeal_of_another_enterprise_cannot_be_merged() -> None:
    one, other = f.filed(), f.filed()
    with pytest.raises(DomainError):
        services.appeal_merge(
            duplicate=other,
            original=one,
            lock_version=other.lock_version,
            acting_user=f.staff_of(one),
        )


def test_an_oversized_text_is_refused_and_nothing_is_stored() -> None:
    """5,001 characters: refused with the length and the limit; no appeal, no file."""
    with pytest.raises(DomainError) as refused:
        f.filed(text="字" * 5001, files=[f.pdf()])
    assert "5001" in refused.value.message and "5000" in refused.value.message
    assert not Appeal.objects.exists() and not StoredFile.objects.exists()


def test_a_renamed_executable_is_refused_and_nothing_is_stored() -> None:
    """A Windows program named 说明.pdf is refused as what it is; the appeal is not filed."""
    program = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    with pytest.raises(DomainError) as refused:
        f.filed(files=[program])
    assert "说明.pdf" in refused.value.message
    assert not Appeal.objects.exists() and not StoredFile.objects.exists()


def test_contact_details_are_checked() -> None:
    with pytest.raises(DomainError):
        f.filed(contact_channel="phone", contact_value="call me")
    with pytest.raises(DomainError):
        f.filed(contact_channel="email", contact_value="not-an-address")
    assert f.filed(contact_channel="inbox", contact_value="13800000000").contact_value == ""


def test_the_email_body_is_the_plain_text_as_written() -> None:
    """The department's answer reaches the enterprise's e-mail as plain text: markup is just
    characters (the e-mail has no HTML part)."""
    user = f.firm_user()
    user.email = "firm@example.com"
    user.save(update_fields=["email"])
    appeal = f.filed(user)
    answer = "<script>alert(1)</script> 见附件"
    f.step(services.appeal_resolve, appeal, f.staff_of(appeal), answer=answer)
    message = OutboxMessage.objects.get(address="firm@example.com")
    assert message.body == answer


def test_rating_must_be_one_to_five() -> None:
    appeal, user, _staff = f.resolved()
    for rating in (0, 6):
        with pytest.raises(DomainError):
            f.step(services.appeal_confirm, appeal, user, rating=rating)
