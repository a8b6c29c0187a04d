"""Forms of the credit pages: a repair application, the department's steps, a credit report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import TextField
from jinqi.credit.enums import CreditDomain
from jinqi.credit.repairs import COMMITMENT, FULFILMENT, MAX_EXTENSION, Material


class RepairForm(forms.Form):
    """The statement and one file per material the department does not already hold."""

    statement = TextField(label=_("What was corrected"), max_length=2000)

    def __init__(self, *args: Any, materials: list[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for material in materials:
            if not material.held:
                self.fields[material.key] = forms.FileField(label=material.label)

    def material_files(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in (COMMITMENT, FULFILMENT)
            if self.cleaned_data.get(key)
        }


class RepairActForm(forms.Form):
    """A step on a repair application (the buttons of its page, the API's decision)."""

    action = forms.ChoiceField(
        choices=[
            (a, a) for a in ("accept", "not_accept", "extend", "approve", "reject", "withdraw")
        ]
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    text = TextField(label=_("Reason or decision"), required=False, max_length=2000)
    extension_days = forms.IntegerField(
        label=_("Extend by (working days)"),
        min_value=1,
        max_value=MAX_EXTENSION,
        required=False,
    )


class ReportForm(forms.Form):
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=CreditDomain.choices, widget=forms.CheckboxSelectMultiple
    )
