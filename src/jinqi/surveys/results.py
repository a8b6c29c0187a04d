"""What a survey's answers add up to: per question, the response rate overall and by segment
dimension, and the live indicator. Computed with a handful of grouped queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from jinqi.accounts.models import Department
from jinqi.registry.enums import SizeClass
from jinqi.registry.models import Industry
from jinqi.surveys.enums import QuestionKind
from jinqi.surveys.models import (
    RATING_MAX,
    RATING_MIN,
    Answer,
    Question,
    Recipient,
    Response,
    Survey,
)

SATISFIED = 4  # ratings of 4 and 5 count as satisfied


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)  # (label, count) in order
    average: float | None = None  # ratings only
    satisfied_share: float | None = None  # ratings only: share of 4–5, in percent


@dataclass(frozen=True)
class RateRow:
    label: str
    recipients: int
    responses: int

    @property
    def rate(self) -> float:
        return round(100 * self.responses / self.recipients, 1) if self.recipients else 0.0


@dataclass(frozen=True)
class SurveyResults:
    recipients: int
    responses: int
    questions: list[QuestionResult]
    by_dimension: dict[str, list[RateRow]]  # "industry" | "town" | "size_class" → rows

    @property
    def rate(self) -> float:
        return round(100 * self.responses / self.recipients, 1) if self.recipients else 0.0


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def question_results(survey: Survey) -> list[QuestionResult]:
    questions = list(survey.questions.all())
    results = {q.pk: QuestionResult(q) for q in questions}
    answers = Answer.objects.filter(response__survey=survey)
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for qid, rating, n in (
        answers.filter(rating__isnull=False)
        .values_list("question_id", "rating")
        .annotate(n=Count("id"))
        .values_list("question_id", "rating", "n")
        .order_by()
    ):
        if rating is not None:  # filtered above; the type does not know it
            ratings[qid][rating] = n
    picks: dict[int, list[int]] = defaultdict(list)
    answered: dict[int, int] = defaultdict(int)
    for qid, choices in answers.values_list("question_id", "choices"):
        answered[qid] += 1
        picks[qid].extend(choices or [])
    for question in questions:
        result = results[question.pk]
        result.answered = answered.get(question.pk, 0)
        if question.kind == QuestionKind.RATING:
            got = ratings.get(question.pk, {})
            total = sum(got.values())
            result.counts = [(str(r), got.get(r, 0)) for r in range(RATING_MIN, RATING_MAX + 1)]
            if total:
                result.average = round(sum(r * n for r, n in got.items()) / total, 2)
            result.satisfied_share = _percent(
                sum(n for r, n in got.items() if r >= SATISFIED), total
            )
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            tally = [0] * len(question.choices)
            for index in picks.get(question.pk, []):
                if 0 <= index < len(tally):
                    tally[index] += 1
            result.counts = list(zip(question.choices, tally, strict=True))
    return [results[q.pk] for q in questions]


def _labels(dimension: str, keys: list[str]) -> dict[str, str]:
    if dimension == "industry":
        return {i.code: f"{i.code} {i.name}" for i in Industry.objects.filter(code__in=keys)}
    if dimension == "town":
        return dict(Department.objects.filter(code__in=keys).values_list("code", "name"))
    return {s.value: str(s.label) for s in SizeClass}


DIMENSIONS = {"industry": "industry_section", "town": "town", "size_class": "size_class"}


def rates_by_dimension(survey: Survey) -> dict[str, list[RateRow]]:
    recipients = Recipient.objects.filter(survey=survey).annotate(
        responded=Exists(
            Response.objects.filter(survey=survey, enterprise_id=OuterRef("enterprise_id"))
        )
    )
    result: dict[str, list[RateRow]] = {}
    for dimension, column in DIMENSIONS.items():
        rows = list(
            recipients.values(column)
            .annotate(total=Count("id"), answered=Count("id", filter=Q(responded=True)))
            .order_by(column)
        )
        labels = _labels(dimension, [r[column] for r in rows])
        result[dimension] = [
            RateRow(labels.get(r[column], r[column]) or "—", r["total"], r["answered"])
            for r in rows
        ]
    return result


def survey_results(survey: Survey) -> SurveyResults:
    return SurveyResults(
        recipients=Recipient.objects.filter(survey=survey).count(),
        responses=Response.objects.filter(survey=survey).count(),
        questions=question_results(survey),
        by_dimension=rates_by_dimension(survey),
    )


def satisfaction_share() -> float | None:
    """Live indicator surveys.satisfaction: the share of ratings of 4 or 5 among all ratings
    given in the latest sent survey that has any (open or closed), in percent."""
    rated = Answer.objects.filter(rating__isnull=False)
    latest = (
        Survey.objects.sent()
        .filter(Exists(rated.filter(response__survey=OuterRef("pk"))))
        .order_by("-sent_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    counts = rated.filter(response__survey=latest).aggregate(
        total=Count("id"), satisfied=Count("id", filter=Q(rating__gte=SATISFIED))
    )
    return _percent(counts["satisfied"], counts["total"])
