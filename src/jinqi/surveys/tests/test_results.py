"""Chart data and the live indicator, on a hand-made set of answers."""

from __future__ import annotations

import pytest

from jinqi.surveys import charts, services
from jinqi.surveys.results import satisfaction_share, survey_results
from jinqi.surveys.tests.factories import answers_for, firm, lead, survey, user_of

pytestmark = pytest.mark.django_db


def test_results_count_ratings_choices_and_rates_by_dimension() -> None:
    """Ratings 5, 4, 2 → distribution [0,1,0,1,1], average 3.67, 66.7 % satisfied; choices
    counted; 3 of 4 enterprises answered, by size class 2/2 small and 1/2 large."""
    office = lead()
    firms = [firm(size="small"), firm(size="small"), firm(size="large"), firm(size="large")]
    sent = survey(office)
    ids = {q.kind: q.pk for q in sent.questions.all()}
    for target, given, pick, several in (
        (firms[0], 5, 0, ["0", "1"]),
        (firms[1], 4, 2, ["1"]),
        (firms[2], 2, 2, []),
    ):
        answers = answers_for(sent, given, pick)
        answers[ids["multiple"]] = several
        services.response_submit(
            survey=sent, enterprise=target, answers=answers, acting_user=user_of(target)
        )
    results = survey_results(sent)
    rating, single, multiple, text = results.questions
    assert rating.counts == [("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 1)]
    assert rating.average == 3.67 and rating.satisfied_share == 66.7
    assert single.counts == [("网站", 1), ("窗口", 0), ("走访", 2)]
    assert multiple.counts == [("审批", 1), ("融资", 2), ("用工", 0)]
    assert multiple.answered == 2 and text.answered == 0
    assert (results.recipients, results.responses, results.rate) == (4, 3, 75.0)
    sizes = {
        row.label: (row.responses, row.recipients) for row in results.by_dimension["size_class"]
    }
    assert sizes == {"大型": (1, 2), "小型": (2, 2)}
    bar = charts.question_bar(rating)
    assert [d["value"] for d in bar["series"][0]["data"]] == [0, 1, 0, 1, 1]
    assert charts.rate_bar(results.by_dimension["size_class"])["series"][0]["data"] == [50.0, 100.0]
    assert satisfaction_share() == 66.7


def test_the_indicator_reads_the_latest_survey_with_ratings() -> None:
    """surveys.satisfaction follows the most recently sent survey; none sent: no value."""
    assert satisfaction_share() is None
    office = lead()
    target = firm()
    older = survey(office, title="旧调查")
    services.response_submit(
        survey=older, enterprise=target, answers=answers_for(older, 1), acting_user=user_of(target)
    )
    assert satisfaction_share() == 0.0
    newer = survey(office, title="新调查")
    services.response_submit(
        survey=newer, enterprise=target, answers=answers_for(newer, 5), acting_user=user_of(target)
    )
    assert satisfaction_share() == 100.0
