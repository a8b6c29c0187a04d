from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.enums import DepartmentKind
from jinqi.accounts.models import Department
from jinqi.core.forms import LineField, TextField
from jinqi.registry.enums import SizeClass
from jinqi.surveys.enums import QuestionKind
from jinqi.surveys.models import RATING_MAX, RATING_MIN, Question, Survey
from jinqi.surveys.services import QuestionData, SurveyData

INDUSTRY_PREFIX = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")


class SurveyForm(forms.Form):
    title = LineField(label=_("Title"), max_length=200)
    intro = TextField(
        label=_("Introduction"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    open_until = forms.DateField(
        label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    industries = LineField(
        label=_("Industries"),
        required=False,
        help_text=_(
            "GB/T 4754 codes separated by spaces or commas: a section letter (C) or a division "
            "(C26). Empty: every industry."
        ),
    )
    towns = forms.MultipleChoiceField(
        label=_("Towns, streets and parks"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everywhere."),
    )
    size_classes = forms.MultipleChoiceField(
        label=_("Size classes"),
        required=False,
        choices=SizeClass.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every size."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = Department.objects.filter(
            kind__in=[DepartmentKind.TOWN, DepartmentKind.STREET, DepartmentKind.PARK]
        )
        towns = self.fields["towns"]
        assert isinstance(towns, forms.MultipleChoiceField)
        towns.choices = [(d.code, d.name) for d in places]

    def clean_industries(self) -> list[str]:
        codes = [c.upper() for c in re.split(r"[\s,，、]+", self.cleaned_data["industries"]) if c]
        wrong = [c for c in codes if not INDUSTRY_PREFIX.match(c)]
        if wrong:
            raise ValidationError(
                _("Not a GB/T 4754 section or division: %(codes)s"),
                params={"codes": "、".join(wrong)},
            )
        return codes

    @staticmethod
    def initial_for(survey: Survey) -> dict[str, Any]:
        return {
            "title": survey.title,
            "intro": survey.intro,
            "open_until": survey.open_until,
            "industries": " ".join(survey.industries),
            "towns": survey.towns,
            "size_classes": survey.size_classes,
        }


class QuestionForm(forms.Form):
    text = LineField(label=_("Question"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.RATING
    )
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)
    choices = TextField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For “one of a list” and “several of a list” questions."),
    )

    def data_or_none(self) -> QuestionData | None:
        text = self.cleaned_data.get("text", "").strip()
        if not text:
            return None  # an empty row is no question
        choices = [
            c.strip() for c in self.cleaned_data.get("choices", "").splitlines() if c.strip()
        ]
        return QuestionData(self.cleaned_data["kind"], text, self.cleaned_data["required"], choices)

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "text": question.text,
            "kind": question.kind,
            "required": question.required,
            "choices": "\n".join(question.choices),
        }


QuestionFormSet = forms.formset_factory(QuestionForm, extra=3, max_num=30)


def survey_data(form: SurveyForm, questions: Any) -> SurveyData:
    data = form.cleaned_data
    return SurveyData(
        title=data["title"],
        intro=data["intro"],
        open_until=data["open_until"],
        industries=data["industries"],
        towns=data["towns"],
        size_classes=data["size_classes"],
        questions=[q for f in questions if (q := f.data_or_none()) is not None],
    )


class AnswerForm(forms.Form):
    """One field per question; the service checks the answers (required, ranges, choices,
    length) and its messages are put on the fields."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for q in self.questions:
            name = f"q{q.pk}"
            label = f"{q.position}. {q.text}"
            field: forms.Field
            if q.kind == QuestionKind.RATING:
                field = forms.ChoiceField(
                    choices=[(str(i), str(i)) for i in range(RATING_MIN, RATING_MAX + 1)],
                    widget=forms.RadioSelect(attrs={"class": "rating"}),
                    help_text=_("1 = very dissatisfied, 5 = very satisfied"),
                )
            elif q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(
                    choices=list(enumerate(q.choices)), widget=forms.RadioSelect
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=list(enumerate(q.choices)), widget=forms.CheckboxSelectMultiple
                )
            else:
                field = TextField(widget=forms.Textarea(attrs={"rows": 4}))
            field.label = label
            field.required = False  # checked by the service, so its messages are the ones shown
            field.widget.is_required = q.required
            self.fields[name] = field
            self.fields[name].show_required = q.required  # type: ignore[attr-defined]  # for the template

    def text_refused(self) -> bool:
        """Whether a text answer holds what the text boundary refuses (shown on its field)."""
        return any(isinstance(self.fields[name], TextField) for name in self.errors)

    def raw_answers(self) -> dict[int, Any]:
        """What was posted, by question id, before any check."""
        answers: dict[int, Any] = {}
        for q in self.questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.MULTIPLE:
                answers[q.pk] = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            elif isinstance(self.fields[name], TextField):  # as the text boundary stores it
                answers[q.pk] = self.cleaned_data.get(name) or ""
            else:
                answers[q.pk] = self.data.get(name, "")
        return answers

    def show_errors(self, errors: dict[int, str]) -> None:
        for pk, message in errors.items():
            self.add_error(f"q{pk}", message)
