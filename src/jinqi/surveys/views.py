"""Thin web layer of surveys: the lead office's pages and the enterprise's answer form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core import clock
from jinqi.core.errors import DomainError
from jinqi.core.permissions import requires
from jinqi.registry.selectors import enterprise_of
from jinqi.surveys import charts, selectors, services
from jinqi.surveys.enums import QuestionKind, SurveyState
from jinqi.surveys.forms import AnswerForm, QuestionForm, QuestionFormSet, SurveyForm, survey_data
from jinqi.surveys.models import Survey
from jinqi.surveys.permissions import ANSWER, MANAGE
from jinqi.surveys.results import survey_results
from jinqi.web.actions import perform
from jinqi.web.spreadsheets import xlsx_response

TEXTS_SHOWN = 10
TEXTS_PAGE = 50


# -- the lead office -------------------------------------------------------------------------


@requires(MANAGE)
def manage(request: AuthenticatedRequest) -> HttpResponse:
    surveys = selectors.surveys_managed(request.user)
    return render(request, "surveys/manage.html", {"surveys": surveys, "today": clock.today()})


def _edit(request: AuthenticatedRequest, survey: Survey | None) -> HttpResponse:
    if request.method == "POST":
        form = SurveyForm(request.POST)
        questions = QuestionFormSet(request.POST, prefix="q")
        if form.is_valid() and questions.is_valid():
            data = survey_data(form, questions)
            saved = perform(
                request,
                lambda: (
                    services.survey_create(data=data, acting_user=request.user)
                    if survey is None
                    else services.survey_update(survey=survey, data=data, acting_user=request.user)
                ),
                lambda _s: _("Survey saved. Check the segment, then send it."),
            )
            if saved is not None:
                return redirect("surveys:detail", saved.pk)
    elif survey is None:
        form = SurveyForm()
        questions = QuestionFormSet(prefix="q")
    else:
        form = SurveyForm(initial=SurveyForm.initial_for(survey))
        questions = QuestionFormSet(
            prefix="q", initial=[QuestionForm.initial_for(q) for q in survey.questions.all()]
        )
    return render(
        request, "surveys/edit.html", {"form": form, "questions": questions, "survey": survey}
    )


@requires(MANAGE)
def create(request: AuthenticatedRequest) -> HttpResponse:
    return _edit(request, None)


@requires(MANAGE)
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_managed(request.user, pk)
    if survey.state != SurveyState.DRAFT:
        messages.error(request, _("The survey has been sent and can no longer be changed."))
        return redirect("surveys:detail", survey.pk)
    return _edit(request, survey)


@requires(MANAGE)
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A draft: its questions and the segment's size before sending. Sent: the results."""
    survey = selectors.survey_managed(request.user, pk)
    context: dict[str, object] = {"survey": survey, "questions": survey.questions.all()}
    if survey.state == SurveyState.DRAFT:
        context["preview"] = selectors.segment_preview(survey)
        return render(request, "surveys/draft.html", context)
    results = survey_results(survey)
    context.update(
        results=results,
        charts=[
            (
                r,
                f"chart-q{r.question.pk}",
                charts.question_bar(r) if r.counts else None,
                list(selectors.text_answers(survey, r.question.pk)[:TEXTS_SHOWN])
                if r.question.kind == QuestionKind.TEXT
                else None,
            )
            for r in results.questions
        ],
        rate_charts=[
            (label, f"chart-rate-{key}", charts.rate_bar(results.by_dimension[key]))
            for key, label in (
                ("industry", _("By industry section")),
                ("town", _("By town, street or park")),
                ("size_class", _("By size class")),
            )
            if results.by_dimension[key]
        ],
        text_kind=QuestionKind.TEXT,
    )
    return render(request, "surveys/results.html", context)


@requires(MANAGE)
@require_POST
def send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_managed(request.user, pk)
    perform(
        request,
        lambda: services.survey_send(survey=survey, acting_user=request.user),
        lambda s: _("Sent to %(n)d enterprises.") % {"n": s.recipients.count()},
    )
    return redirect("surveys:detail", survey.pk)


@requires(MANAGE)
def texts(request: AuthenticatedRequest, pk: int, question: int) -> HttpResponse:
    survey = selectors.survey_managed(request.user, pk)
    asked = survey.questions.filter(pk=question, kind=QuestionKind.TEXT).first()
    if asked is None:
        return redirect("surveys:detail", survey.pk)
    answers = selectors.text_answers(survey, asked.pk)
    return render(
        request,
        "surveys/texts.html",
        {
            "survey": survey,
            "question": asked,
            "page_obj": Paginator(answers, TEXTS_PAGE).get_page(request.GET.get("page")),
        },
    )


@requires(MANAGE)
def export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every response as a row: the enterprise's name and code, then one column per question
    (no personal data: who answered is not exported)."""
    survey = selectors.survey_managed(request.user, pk)
    questions = list(survey.questions.all())
    header = [_("Enterprise"), _("Unified social credit code"), _("Submitted at")]
    header += [f"{q.position}. {q.text}" for q in questions]

    def cell(question_kind: str, choices: list[str], answer: object) -> object:
        if answer is None:
            return ""
        if question_kind == QuestionKind.RATING:
            return answer.rating  # type: ignore[attr-defined]  # an Answer
        if question_kind == QuestionKind.TEXT:
            return answer.text  # type: ignore[attr-defined]
        picked = answer.choices  # type: ignore[attr-defined]
        return "；".join(choices[i] for i in picked if 0 <= i < len(choices))

    rows = []
    for response in selectors.responses_for_export(survey):
        given = {a.question_id: a for a in response.answers.all()}
        rows.append(
            [
                response.enterprise.name,
                response.enterprise.uscc,
                localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                *(cell(q.kind, q.choices, given.get(q.pk)) for q in questions),
            ]
        )
    return xlsx_response(f"survey-{survey.pk}.xlsx", _("Answers"), header, rows)


# -- the enterprise --------------------------------------------------------------------------


@requires(ANSWER)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "surveys/mine.html",
        {"surveys": selectors.surveys_for(request.user), "today": clock.today()},
    )


@requires(ANSWER)
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for(request.user, pk)
    enterprise = enterprise_of(request.user)
    assert enterprise is not None  # survey_for found the survey through it
    response = selectors.response_of(survey, enterprise)
    is_open = survey.open_until >= clock.today()
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and (form.is_valid() or not form.text_refused()):
        try:
            services.response_submit(
                survey=survey,
                enterprise=enterprise,
                answers=form.raw_answers(),
                acting_user=request.user,
            )
        except services.AnswerError as error:
            form.show_errors(error.details)  # type: ignore[arg-type]  # a dict by contract
            messages.error(request, error.message)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("surveys:answer", survey.pk)
        else:
            messages.success(request, _("Thank you: your enterprise's answer has been recorded."))
            return redirect("surveys:answer", survey.pk)
    return render(
        request,
        "surveys/answer.html",
        {"survey": survey, "form": form, "response": response, "is_open": is_open},
    )
