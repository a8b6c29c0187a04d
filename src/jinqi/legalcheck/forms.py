"""Forms of the legal health check pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import LineField, TextField
from jinqi.legalcheck.enums import Grade, Prefill, RectificationResult, Section
from jinqi.legalcheck.models import ChecklistItem, Finding, LegalCheck, Rectification
from jinqi.legalcheck.services import MAX_WORKING_DAYS, Answer, ItemData, VisitResult


class RequestForm(forms.Form):
    topics = TextField(
        label=_("What should the check look at especially? (optional)"),
        required=False,
        max_length=2000,
    )


class StepForm(forms.Form):
    """A step without more to say: take, withdraw, issue the report."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("accept", "withdraw", "report")])
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class FindingsForm(forms.Form):
    """One grade, observation and advice per item of the checklist (prefilled where known)."""

    def __init__(
        self, *args: Any, items: list[ChecklistItem], findings: dict[int, Finding], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            found = findings.get(item.pk)
            self.fields[f"grade_{item.pk}"] = forms.ChoiceField(
                label=_("Grade"),
                choices=[("", "—"), *Grade.choices],
                required=False,
                initial=found.grade if found else "",
            )
            self.fields[f"observation_{item.pk}"] = TextField(
                label=_("What was found"),
                required=False,
                max_length=2000,
                initial=found.observation if found else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"advice_{item.pk}"] = TextField(
                label=_("Advice"),
                required=False,
                max_length=2000,
                initial=found.advice if found else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[ChecklistItem, Any, Any, Any]]:
        return [
            (
                item,
                self[f"grade_{item.pk}"],
                self[f"observation_{item.pk}"],
                self[f"advice_{item.pk}"],
            )
            for item in self.items
        ]

    def answers(self) -> dict[int, Answer]:
        """The items given a grade; an item left without one is not answered yet."""
        data = self.cleaned_data
        return {
            item.pk: Answer(
                data[f"grade_{item.pk}"],
                data[f"observation_{item.pk}"] or "",
                data[f"advice_{item.pk}"] or "",
            )
            for item in self.items
            if data.get(f"grade_{item.pk}")
        }


class RiskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Finding) -> str:
        return obj.item.question


class RectificationForm(forms.Form):
    finding = RiskChoiceField(label=_("Risk"), queryset=Finding.objects.none())
    action = TextField(label=_("What is to be done"), max_length=2000)
    working_days = forms.IntegerField(
        label=_("Working days allowed"), min_value=1, max_value=MAX_WORKING_DAYS, initial=20
    )

    def __init__(self, *args: Any, check: LegalCheck, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["finding"]
        assert isinstance(field, RiskChoiceField)
        field.queryset = check.findings.exclude(grade=Grade.GREEN).select_related("item")


class VisitForm(forms.Form):
    """The return visit: done or not for each rectification item, and what the visit found."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = TextField(label=_("What the return visit found"), max_length=2000)

    def __init__(self, *args: Any, rectifications: list[Rectification], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rectifications = rectifications
        for r in rectifications:
            self.fields[f"result_{r.pk}"] = forms.ChoiceField(
                label=_("Result"),
                choices=[
                    (RectificationResult.DONE.value, RectificationResult.DONE.label),
                    (RectificationResult.NOT_DONE.value, RectificationResult.NOT_DONE.label),
                ],
            )
            self.fields[f"note_{r.pk}"] = TextField(
                label=_("Remark"), required=False, max_length=500
            )

    def rows(self) -> list[tuple[Rectification, Any, Any]]:
        return [(r, self[f"result_{r.pk}"], self[f"note_{r.pk}"]) for r in self.rectifications]

    def results(self) -> dict[int, VisitResult]:
        data = self.cleaned_data
        return {
            r.pk: VisitResult(data[f"result_{r.pk}"], data[f"note_{r.pk}"] or "")
            for r in self.rectifications
        }


class ItemForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    number = forms.IntegerField(label=_("Number in the section"), min_value=1, max_value=99)
    question = LineField(label=_("Question"), max_length=300)
    guidance = TextField(label=_("What to look at"), required=False, max_length=2000)
    basis = LineField(label=_("Legal basis"), required=False, max_length=300)
    prefill = forms.ChoiceField(label=_("Prefilled from"), choices=Prefill.choices, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def item_data(self) -> ItemData:
        data = self.cleaned_data
        return ItemData(
            section=data["section"],
            number=data["number"],
            question=data["question"],
            guidance=data["guidance"] or "",
            basis=data["basis"] or "",
            prefill=data["prefill"] or "",
            active=data["active"],
        )
