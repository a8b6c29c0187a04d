"""Forms of the visit pages: the results of a department's items, a step on a visit or on a
rectification, the enterprise's rating."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import TextField
from jinqi.inspections.enums import FindingResult
from jinqi.inspections.models import InspectionItem
from jinqi.inspections.results import MAX_RECTIFICATION_DAYS, FindingIn


class FindingsForm(forms.Form):
    """One result, note and deadline per item of the department not yet recorded; an item left
    without a result is left for later."""

    def __init__(self, *args: Any, items: list[InspectionItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=_("Result"),
                choices=[("", _("Not yet")), *FindingResult.choices],
                required=False,
            )
            self.fields[f"note_{item.pk}"] = TextField(
                label=_("What was found"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"days_{item.pk}"] = forms.IntegerField(
                label=_("Rectify within (working days)"),
                min_value=1,
                max_value=MAX_RECTIFICATION_DAYS,
                required=False,
            )

    def rows(self) -> list[tuple[InspectionItem, Any, Any, Any]]:
        return [
            (i, self[f"result_{i.pk}"], self[f"note_{i.pk}"], self[f"days_{i.pk}"])
            for i in self.items
        ]

    def entries(self) -> list[FindingIn]:
        data = self.cleaned_data
        return [
            FindingIn(
                item_code=item.code,
                result=data[f"result_{item.pk}"],
                note=data[f"note_{item.pk}"] or "",
                rectification_days=data[f"days_{item.pk}"],
            )
            for item in self.items
            if data.get(f"result_{item.pk}")
        ]


class StepForm(forms.Form):
    """A step on a visit or a rectification (the buttons of the visit's page)."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("close", "cancel", "report", "pass", "fail")]
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    text = TextField(label=_("Note"), required=False, max_length=2000)
    days = forms.IntegerField(
        label=_("New deadline (working days)"),
        min_value=1,
        max_value=MAX_RECTIFICATION_DAYS,
        required=False,
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = TextField(label=_("Comment (optional)"), required=False, max_length=1000)
