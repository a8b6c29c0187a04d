"""The same survey answered many times at the same moment, in real transactions on separate
connections: the database keeps one answer per enterprise."""

from __future__ import annotations

import pytest

from jinqi.core.tests.concurrency import THREADS, at_once, refusals
from jinqi.surveys import services
from jinqi.surveys.models import Answer, Response
from jinqi.surveys.tests.factories import answers_for, firm, lead, survey, user_of


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_answers_at_once_keep_one() -> None:
    """Fifty submissions by users of one enterprise released together store one response and
    its answers; the other forty-nine are told the enterprise has already answered."""
    target = firm()
    sent = survey(lead())
    answers = answers_for(sent, 4)
    users = [user_of(target), user_of(target)]

    outcomes = at_once(
        lambda user: services.response_submit(
            survey=sent, enterprise=target, answers=answers, acting_user=user
        ),
        prepare=lambda index: users[index % 2],
    )

    response = Response.objects.get(survey=sent)
    assert Answer.objects.count() == Answer.objects.filter(response=response).count() > 0
    refused = refusals(outcomes)
    assert len(refused) == THREADS - 1
    assert {error.message for error in refused} == {"贵企业已经填写过该调查，原回答保持不变。"}
