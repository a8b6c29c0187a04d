"""Surveys for tests: enterprises placed in segments, their users, a sent survey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.core import clock
from jinqi.registry.models import Enterprise, Profile
from jinqi.registry.tests import factories as registry_factories
from jinqi.surveys.enums import QuestionKind
from jinqi.surveys.models import Survey
from jinqi.surveys.services import QuestionData, SurveyData, survey_create, survey_send

QUESTIONS = [
    QuestionData(QuestionKind.RATING, "总体满意度"),
    QuestionData(QuestionKind.SINGLE, "主要渠道", choices=["网站", "窗口", "走访"]),
    QuestionData(
        QuestionKind.MULTIPLE, "希望改进", required=False, choices=["审批", "融资", "用工"]
    ),
    QuestionData(QuestionKind.TEXT, "意见建议", required=False),
]


def firm(
    industry: str = "C2614", town: str = "town-jinshanwei", size: str | None = "small", **data: Any
) -> Enterprise:
    made = registry_factories.enterprise(
        industry=registry_factories.industry(industry, f"行业{industry}"),
        town=Department.objects.get(code=town),
        **data,
    )
    Profile.objects.update_or_create(
        enterprise=made, defaults={"size_class": size, "refreshed_at": clock.now()}
    )
    return made


def user_of(enterprise: Enterprise, **kwargs: Any) -> User:
    user: User = UserFactory(role=Role.ENTERPRISE, enterprise_uscc=enterprise.uscc, **kwargs)
    return user


def lead() -> User:
    user: User = UserFactory(lead_office=True)
    return user


def survey(
    by: User,
    *,
    industries: list[str] | None = None,
    towns: list[str] | None = None,
    size_classes: list[str] | None = None,
    questions: list[QuestionData] | None = None,
    send: bool = True,
    title: str = "营商环境满意度调查",
) -> Survey:
    made = survey_create(
        data=SurveyData(
            title=title,
            open_until=clock.today() + dt.timedelta(days=14),
            industries=industries or [],
            towns=towns or [],
            size_classes=size_classes or [],
            questions=questions or QUESTIONS,
        ),
        acting_user=by,
    )
    return survey_send(survey=made, acting_user=by) if send else made


def answers_for(target: Survey, rating: int = 4, single: int = 0, text: str = "") -> dict[int, Any]:
    """Valid answers to the QUESTIONS survey, by question id."""
    by_kind = {q.kind: q.pk for q in target.questions.all()}
    answers: dict[int, Any] = {
        by_kind[QuestionKind.RATING]: rating,
        by_kind[QuestionKind.SINGLE]: single,
    }
    if text:
        answers[by_kind[QuestionKind.TEXT]] = text
    return answers
