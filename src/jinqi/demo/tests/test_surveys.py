"""The demo step: a survey sent to the park's manufacturers with answers, loaded once."""

from __future__ import annotations

import pytest

from jinqi.core.indicators import indicator
from jinqi.demo.surveys import TITLE, demo_surveys_load
from jinqi.surveys.models import Response, Survey
from jinqi.surveys.tests.factories import firm

pytestmark = pytest.mark.django_db


def test_demo_survey_is_sent_answered_and_loaded_once() -> None:
    """Every enterprise of the segment is asked, those with an account answer (up to 200), the
    indicator reads the answers, and a second run changes nothing."""
    for _ in range(6):
        firm("C2614", "park-jinshan-industrial")
    firm("F5211", "park-jinshan-industrial")  # not a manufacturer
    demo_surveys_load(lambda _message: None)
    survey = Survey.objects.get(title=TITLE)
    assert survey.recipients.count() == 6
    assert Response.objects.filter(survey=survey).count() == 6
    share = indicator("surveys.satisfaction").compute()  # type: ignore[union-attr]
    assert share is not None and 0 <= share <= 100
    demo_surveys_load(lambda _message: None)
    assert Survey.objects.count() == 1 and Response.objects.count() == 6
