"""Reads of surveys scoped by the user: an enterprise sees only the surveys sent to it (another
survey is a 404), the lead office every survey."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404

from jinqi.accounts.models import User
from jinqi.accounts.selectors import enterprise_users
from jinqi.core.permissions import has_capability
from jinqi.registry import selectors as registry_selectors
from jinqi.registry.models import Enterprise
from jinqi.surveys.models import Answer, Response, Survey
from jinqi.surveys.permissions import ANSWER, MANAGE


def segment_of(survey: Survey) -> registry_selectors.Segment:
    return registry_selectors.Segment(
        industries=tuple(survey.industries),
        towns=tuple(survey.towns),
        size_classes=tuple(survey.size_classes),
    )


def users_of(enterprises: QuerySet[Enterprise]) -> QuerySet[User]:
    """The active enterprise users acting for these enterprises (whom a notice reaches)."""
    return enterprise_users(enterprises.values("uscc"))


@dataclass(frozen=True)
class SegmentPreview:
    enterprises: int
    users: int


def segment_preview(survey: Survey) -> SegmentPreview:
    enterprises = registry_selectors.enterprises_in_segment(segment_of(survey))
    return SegmentPreview(enterprises.count(), users_of(enterprises).count())


# -- the lead office -------------------------------------------------------------------------


def surveys_managed(user: User) -> QuerySet[Survey]:
    if not has_capability(user, MANAGE):
        return Survey.objects.none()
    return Survey.objects.annotate(
        recipients_count=Count("recipients", distinct=True),
        responses_count=Count("responses", distinct=True),
    )


def survey_managed(user: User, pk: int) -> Survey:
    survey = surveys_managed(user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def text_answers(survey: Survey, question_id: int) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(response__survey=survey, question_id=question_id)
        .exclude(text="")
        .select_related("response__enterprise")
        .order_by("-response__submitted_at", "-pk")
    )


def responses_for_export(survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey)
        .select_related("enterprise")
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )


# -- the enterprise --------------------------------------------------------------------------


def surveys_for(user: User) -> QuerySet[Survey]:
    """The sent surveys addressed to the user's enterprise, each marked `answered`."""
    enterprise = registry_selectors.enterprise_of(user) if has_capability(user, ANSWER) else None
    if enterprise is None:
        return Survey.objects.none()
    return (
        Survey.objects.sent()
        .filter(recipients__enterprise=enterprise)
        .annotate(
            answered=Exists(Response.objects.filter(survey=OuterRef("pk"), enterprise=enterprise))
        )
        .order_by("-sent_at", "-pk")
    )


def surveys_waiting(user: Any, today: dt.date) -> QuerySet[Survey]:
    """The open surveys the user's enterprise has not answered yet."""
    return (
        surveys_for(user)
        .filter(open_until__gte=today)
        .exclude(responses__enterprise__uscc=user.enterprise_uscc)
    )


def survey_for(user: User, pk: int) -> Survey:
    """A survey sent to the user's enterprise; any other is a 404."""
    survey = surveys_for(user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def response_of(survey: Survey, enterprise: Enterprise) -> Response | None:
    return (
        Response.objects.filter(survey=survey, enterprise=enterprise)
        .select_related("respondent")
        .first()
    )
