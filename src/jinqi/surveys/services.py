"""Every write of the surveys app: keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.permissions import has_capability
from jinqi.notifications.services import notification_send
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprises_in_segment, segment_dimensions
from jinqi.surveys import selectors
from jinqi.surveys.enums import QuestionKind, SurveyState
from jinqi.surveys.models import (
    RATING_MAX,
    RATING_MIN,
    TEXT_MAX_LENGTH,
    Answer,
    Question,
    Recipient,
    Response,
    Survey,
)
from jinqi.surveys.permissions import ANSWER, MANAGE

NOTICE_KIND = "surveys.survey"


@dataclass(frozen=True)
class QuestionData:
    kind: str
    text: str
    required: bool = True
    choices: Sequence[str] = ()


@dataclass(frozen=True)
class SurveyData:
    title: str
    open_until: dt.date
    intro: str = ""
    industries: Sequence[str] = ()
    towns: Sequence[str] = ()
    size_classes: Sequence[str] = ()
    questions: Sequence[QuestionData] = field(default_factory=list)


def _ensure_manager(user: User) -> None:
    if not has_capability(user, MANAGE):
        raise PermissionDenied(_("Only the lead office runs surveys."))


def _check(data: SurveyData) -> None:
    if not data.questions:
        raise DomainError(_("A survey needs at least one question."))
    for question in data.questions:
        if (
            question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            and len(question.choices) < 2
        ):
            raise DomainError(
                _("The question “%(text)s” needs at least two choices.") % {"text": question.text}
            )


def _write(survey: Survey, data: SurveyData) -> None:
    survey.title = data.title
    survey.intro = data.intro
    survey.open_until = data.open_until
    survey.industries = [p.strip().upper() for p in data.industries if p.strip()]
    survey.towns = list(data.towns)
    survey.size_classes = list(data.size_classes)
    survey.save()
    survey.questions.all().delete()
    Question.objects.bulk_create(
        Question(
            survey=survey,
            position=i,
            kind=q.kind,
            text=q.text,
            required=q.required,
            choices=list(q.choices)
            if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            else [],
        )
        for i, q in enumerate(data.questions, start=1)
    )


@transaction.atomic
def survey_create(*, data: SurveyData, acting_user: User) -> Survey:
    _ensure_manager(acting_user)
    _check(data)
    survey = Survey(created_by=acting_user, created_at=clock.now(), open_until=data.open_until)
    _write(survey, data)
    audit_record(
        actor=acting_user, action=AuditAction.CREATE, target=survey, after=snapshot(survey)
    )
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, data: SurveyData, acting_user: User) -> Survey:
    """Change a draft; a sent survey keeps the questions its answers refer to."""
    _ensure_manager(acting_user)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != SurveyState.DRAFT:
        raise DomainError(_("The survey has been sent and can no longer be changed."))
    _check(data)
    before = snapshot(survey)
    _write(survey, data)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=survey,
        before=before,
        after=snapshot(survey),
    )
    return survey


@transaction.atomic
def survey_send(*, survey: Survey, acting_user: User) -> Survey:
    """Freeze the segment into recipients and put a notice in each of their users' inboxes."""
    _ensure_manager(acting_user)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != SurveyState.DRAFT:
        raise DomainError(_("The survey has already been sent."))
    if survey.open_until < clock.today():
        raise DomainError(_("The closing date has passed: choose a later one before sending."))
    enterprises = enterprises_in_segment(selectors.segment_of(survey))
    rows = segment_dimensions(enterprises)
    if not rows:
        raise DomainError(_("No enterprise is in the chosen segment."))
    Recipient.objects.bulk_create(
        [
            Recipient(
                survey=survey, enterprise_id=pk, industry_section=sec, town=town, size_class=size
            )
            for pk, sec, town, size in rows
        ],
        batch_size=1000,
    )
    before = snapshot(survey, ["state", "sent_at"])
    survey.state = SurveyState.SENT
    survey.sent_at = clock.now()
    survey.save(update_fields=["state", "sent_at"])
    notification_send(
        recipients=selectors.users_of(Enterprise.objects.filter(pk__in=[r[0] for r in rows])),
        kind=NOTICE_KIND,
        title=_("Satisfaction survey: %(title)s") % {"title": survey.title},
        body=_("Please answer by %(date)s. One answer per enterprise.")
        % {"date": survey.open_until.isoformat()},
        link=reverse("surveys:answer", args=[survey.pk]),
        dedup_key=f"{NOTICE_KIND}:{survey.pk}",
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=survey,
        before=before,
        after=snapshot(survey, ["state", "sent_at"]),
        note=f"{len(rows)} enterprises",
    )
    return survey


class AnswerError(DomainError):
    """Answers that do not fit the questions; `details` maps question id → message."""

    code = "invalid_answers"


def answers_clean(survey: Survey, raw: Mapping[int, Any]) -> dict[int, Any]:
    """Check raw answers (question id → a rating, choice indexes or text) against the questions;
    raise AnswerError with one message per question at fault."""
    errors: dict[int, str] = {}
    clean: dict[int, Any] = {}
    for question in survey.questions.all():
        value: Any = raw.get(question.pk)
        empty = value in (None, "", [], ())
        if empty:
            if question.required:
                errors[question.pk] = _("This question needs an answer.")
            continue
        if question.kind == QuestionKind.RATING:
            try:
                rating = int(value)
            except (TypeError, ValueError):
                rating = 0
            if not RATING_MIN <= rating <= RATING_MAX:
                errors[question.pk] = _("Choose a rating from 1 to 5.")
            else:
                clean[question.pk] = rating
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            picked = value if isinstance(value, list | tuple) else [value]
            try:
                indexes = sorted({int(v) for v in picked})
            except (TypeError, ValueError):
                indexes = [-1]
            if any(not 0 <= i < len(question.choices) for i in indexes):
                errors[question.pk] = _("Choose among the choices offered.")
            elif question.kind == QuestionKind.SINGLE and len(indexes) != 1:
                errors[question.pk] = _("Choose one answer.")
            else:
                clean[question.pk] = indexes
        else:
            text = str(value).strip()
            if len(text) > TEXT_MAX_LENGTH:
                errors[question.pk] = _(
                    "Please keep the answer to %(max)d characters (it has %(n)d)."
                ) % {"max": TEXT_MAX_LENGTH, "n": len(text)}
            elif text:
                clean[question.pk] = text
            elif question.required:
                errors[question.pk] = _("This question needs an answer.")
    if errors:
        raise AnswerError(_("Some answers need attention."), details=errors)
    return clean


def response_submit(
    *, survey: Survey, enterprise: Enterprise, answers: Mapping[int, Any], acting_user: User
) -> Response:
    """The enterprise's one answer. Answers are final once submitted (docs/surveys.md); a second
    submission, by any user of the enterprise and however close in time, is refused by the
    database's unique constraint and changes nothing."""
    if not has_capability(acting_user, ANSWER) or acting_user.enterprise_uscc != enterprise.uscc:
        raise PermissionDenied(_("Only the enterprise's own users can answer for it."))
    if not Recipient.objects.filter(survey=survey, enterprise=enterprise).exists():
        raise PermissionDenied(_("This survey was not sent to your enterprise."))
    if survey.state != SurveyState.SENT or survey.open_until < clock.today():
        raise DomainError(_("The survey is closed."))
    clean = answers_clean(survey, answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                enterprise=enterprise,
                respondent=acting_user,
                submitted_at=clock.now(),
            )
            questions = {q.pk: q for q in survey.questions.all()}
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    question_id=pk,
                    rating=value if questions[pk].kind == QuestionKind.RATING else None,
                    choices=value if isinstance(value, list) else [],
                    text=value if questions[pk].kind == QuestionKind.TEXT else "",
                )
                for pk, value in clean.items()
            )
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                target=response,
                after={"survey": survey.pk, "enterprise": enterprise.pk},
            )
    except IntegrityError:
        raise DomainError(
            _("Your enterprise has already answered this survey; answers are not changed.")
        ) from None
    return response
