"""Surveys' services: segments, sending, one answer per enterprise, validation."""

from __future__ import annotations

from unittest import mock

import pytest

from jinqi.audit.models import AuditEvent
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.notifications.models import Notification
from jinqi.registry.enums import RegistrationStatus
from jinqi.surveys import services
from jinqi.surveys.models import TEXT_MAX_LENGTH, Answer, Recipient, Response
from jinqi.surveys.tests.factories import answers_for, firm, lead, survey, user_of

pytestmark = pytest.mark.django_db


def test_segment_selects_by_industry_prefix_town_and_size_class() -> None:
    """Each dimension narrows the recipients; an empty one means any; closed firms are left out."""
    office = lead()
    chemical_small = firm("C2614", "town-jinshanwei", "small")
    chemical_large = firm("C2614", "town-jinshanwei", "large")
    machinery_zhujing = firm("C3411", "town-zhujing", "small")
    retail = firm("F5211", "town-jinshanwei", "small")
    closed = firm("C2614", "town-jinshanwei", "small", status=RegistrationStatus.CANCELLED)

    def recipients(**segment: list[str]) -> set[int]:
        sent = survey(office, **segment)  # type: ignore[arg-type]
        return set(Recipient.objects.filter(survey=sent).values_list("enterprise_id", flat=True))

    assert recipients(industries=["C"]) == {
        chemical_small.pk,
        chemical_large.pk,
        machinery_zhujing.pk,
    }
    assert recipients(industries=["C26"]) == {chemical_small.pk, chemical_large.pk}
    assert recipients(industries=["C34", "F"]) == {machinery_zhujing.pk, retail.pk}
    assert recipients(towns=["town-zhujing"]) == {machinery_zhujing.pk}
    assert recipients(industries=["C"], size_classes=["small"]) == {
        chemical_small.pk,
        machinery_zhujing.pk,
    }
    assert closed.pk not in recipients()


def test_sending_notifies_each_user_in_the_segment_once() -> None:
    """Every active user of a recipient enterprise gets one notice with the link; others none."""
    office = lead()
    inside, outside = firm("C2614"), firm("F5211")
    alice, bob = user_of(inside), user_of(inside)
    stranger = user_of(outside)
    sent = survey(office, industries=["C"])
    notices = Notification.objects.filter(kind=services.NOTICE_KIND)
    assert set(notices.values_list("recipient_id", flat=True)) == {alice.pk, bob.pk}
    assert notices.first().link == f"/surveys/{sent.pk}/"  # type: ignore[union-attr]
    assert not Notification.objects.filter(recipient=stranger).exists()
    with pytest.raises(DomainError):
        services.survey_send(survey=sent, acting_user=office)
    assert notices.count() == 2


def test_only_the_lead_office_creates_surveys() -> None:
    """A department or an enterprise user cannot create or send a survey."""
    user = user_of(firm())
    with pytest.raises(PermissionDenied):
        survey(user)


def test_one_answer_per_enterprise_whoever_answers() -> None:
    """A second submission, by the same or another user of the enterprise, is refused and changes
    nothing."""
    office = lead()
    target = firm()
    first, second = user_of(target), user_of(target)
    sent = survey(office)
    services.response_submit(
        survey=sent, enterprise=target, answers=answers_for(sent, 5), acting_user=first
    )
    for user in (first, second):
        with pytest.raises(DomainError, match="已经填写过"):
            services.response_submit(
                survey=sent, enterprise=target, answers=answers_for(sent, 1), acting_user=user
            )
    response = Response.objects.get(survey=sent)
    assert response.respondent == first
    assert list(Answer.objects.filter(rating__isnull=False).values_list("rating", flat=True)) == [5]
    assert AuditEvent.objects.filter(object_type="surveys.response").count() == 1


def test_a_race_between_two_submissions_ends_in_the_unique_constraint() -> None:
    """Two submissions that both found no answer yet: the database's unique constraint refuses
    the later one (IntegrityError inside the service), which leaves no half-written answers."""
    office = lead()
    target = firm()
    sent = survey(office)
    services.response_submit(
        survey=sent, enterprise=target, answers=answers_for(sent, 3), acting_user=user_of(target)
    )
    real_create = Response.objects.create

    def create_after_the_other(**kwargs: object) -> Response:
        # The other submission committed between this one's checks and its insert.
        return real_create(**kwargs)

    with (
        mock.patch.object(Response.objects, "create", side_effect=create_after_the_other) as made,
        pytest.raises(DomainError, match="已经填写过"),
    ):
        services.response_submit(
            survey=sent,
            enterprise=target,
            answers=answers_for(sent, 1),
            acting_user=user_of(target),
        )
    assert made.called  # the refusal came from the insert, not from an earlier check
    assert Response.objects.filter(survey=sent).count() == 1
    assert Answer.objects.filter(response__survey=sent).count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rating": None}, "此题必须作答"),
        ({"rating": 6}, "请选择 1 至 5 分"),
        ({"rating": "abc"}, "请选择 1 至 5 分"),
        ({"single": 7}, "请在所列选项中选择"),
        ({"multiple": ["0", "9"]}, "请在所列选项中选择"),
        ({"text": "长" * (TEXT_MAX_LENGTH + 1)}, "回答不能超过 2000 个字（现为 2001 个字）"),
    ],
)
def test_invalid_answers_are_refused_with_a_message_and_nothing_stored(
    change: dict[str, object], message: str
) -> None:
    """Required, range, choices and length are checked per question; nothing is stored."""
    office = lead()
    target = firm()
    sent = survey(office)
    ids = {q.kind: q.pk for q in sent.questions.all()}
    answers = answers_for(sent)
    for kind, value in change.items():
        answers[ids[kind]] = value
    with pytest.raises(services.AnswerError) as refused:
        services.response_submit(
            survey=sent, enterprise=target, answers=answers, acting_user=user_of(target)
        )
    details = refused.value.details
    assert isinstance(details, dict)
    assert any(message in str(m) for m in details.values()), details
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_enterprise_outside_the_segment_cannot_answer() -> None:
    """The service refuses an enterprise the survey was not sent to, and a user of another one."""
    office = lead()
    inside, outside = firm("C2614"), firm("F5211")
    sent = survey(office, industries=["C"])
    with pytest.raises(PermissionDenied):
        services.response_submit(
            survey=sent, enterprise=outside, answers=answers_for(sent), acting_user=user_of(outside)
        )
    with pytest.raises(PermissionDenied):
        services.response_submit(
            survey=sent, enterprise=inside, answers=answers_for(sent), acting_user=user_of(outside)
        )
    assert not Response.objects.exists()
