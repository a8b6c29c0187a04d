"""Satisfaction surveys (企业满意度调查): a survey, its questions, the enterprises it was sent to
and their one response each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinqi.registry.models import Enterprise
from jinqi.surveys.enums import QuestionKind, SurveyState

RATING_MIN, RATING_MAX = 1, 5
TEXT_MAX_LENGTH = 2000


class SurveyQuerySet(models.QuerySet["Survey"]):
    def sent(self) -> SurveyQuerySet:
        return self.filter(state=SurveyState.SENT)


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    open_until = models.DateField(_("open until"))
    state = models.CharField(
        _("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.DRAFT
    )
    # The segment, kept as chosen; the enterprises it selected at sending are the recipients.
    industries = models.JSONField(_("industries (GB/T 4754 prefixes)"), default=list, blank=True)
    towns = models.JSONField(_("towns, streets and parks"), default=list, blank=True)
    size_classes = models.JSONField(_("size classes"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("answer required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class Recipient(models.Model):
    """An enterprise the survey was sent to, with the segment dimensions it had then (so the
    response rates by industry, town and size class stay as they were at sending)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    industry_section = models.CharField(max_length=1, blank=True)
    town = models.CharField(max_length=40, blank=True)  # the department code
    size_class = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "enterprise"], name="recipient_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.enterprise_id}"


class Response(models.Model):
    """One enterprise's answer to a survey: one per enterprise, whoever of its users answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "enterprise"], name="survey_one_response_per_enterprise"
            )
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.enterprise_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)  # indexes into the question's choices
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
