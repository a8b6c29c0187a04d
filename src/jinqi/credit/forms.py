"""The credit pages' forms; every text passes the text boundary (core.forms)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import LineField, TextField
from jinqi.credit.enums import CreditDomain, RecordKind, ReorganisationKind, RiskClass, Severity
from jinqi.credit.services import RecordIn
from jinqi.registry.uscc import check_uscc


class RecordForm(forms.Form):
    """A department enters one of its records by hand (systems push them through the API)."""

    uscc = LineField(label=_("Unified social credit code"), max_length=18)
    kind = forms.ChoiceField(label=_("Kind of record"), choices=RecordKind.choices)
    severity = forms.ChoiceField(label=_("Class"), choices=Severity.choices)
    domain = forms.ChoiceField(label=_("Domain"), choices=CreditDomain.choices)
    decision_number = LineField(label=_("Decision number"), max_length=100)
    decided_on = forms.DateField(label=_("Decision date"), widget=forms.DateInput({"type": "date"}))
    summary = TextField(
        label=_("What was decided"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    legal_basis = LineField(label=_("Legal basis of the decision"), max_length=300)
    fulfilled_on = forms.DateField(
        label=_("Obligation fulfilled on"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
        help_text=_("Leave empty while the obligation is not fulfilled."),
    )

    def clean_uscc(self) -> str:
        code = self.cleaned_data["uscc"].strip().upper()
        result = check_uscc(code)
        if not result.valid:
            raise forms.ValidationError("; ".join(result.errors))
        return code

    def record_in(self) -> RecordIn:
        data = self.cleaned_data
        return RecordIn(
            kind=data["kind"],
            severity=data["severity"],
            domain=data["domain"],
            decision_number=data["decision_number"],
            decided_on=data["decided_on"],
            summary=data["summary"],
            legal_basis=data["legal_basis"],
            fulfilled_on=data["fulfilled_on"],
        )


class ReorganisationForm(forms.Form):
    uscc = LineField(label=_("Unified social credit code"), max_length=18)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReorganisationKind.choices)
    court = LineField(label=_("Court"), max_length=100)
    ruling_number = LineField(label=_("Ruling number"), max_length=100)
    ruled_on = forms.DateField(label=_("Ruling date"), widget=forms.DateInput({"type": "date"}))
    ruling = forms.FileField(label=_("Ruling (PDF or image)"), required=False)


class CloseReorganisationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("complete", _("Plan performed")), ("end", _("Ended without performance"))]
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    closed_on = forms.DateField(label=_("Closed on"), widget=forms.DateInput({"type": "date"}))
    note = TextField(label=_("Note"), max_length=1000, required=False)


class SamplingRatioForm(forms.Form):
    """One percentage and one yearly visit count per risk class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for risk_class, label in RiskClass.choices:
            self.fields[f"percent_{risk_class}"] = forms.DecimalField(
                label=_("%(label)s — sampling ratio (%%)") % {"label": label},
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
            )
            self.fields[f"visits_{risk_class}"] = forms.DecimalField(
                label=_("%(label)s — visits a year, at most") % {"label": label},
                required=False,
                min_value=Decimal(0),
                max_digits=4,
                decimal_places=1,
            )

    def percents(self) -> dict[str, Decimal]:
        return {c: self.cleaned_data[f"percent_{c}"] for c in RiskClass.values}

    def visits(self) -> dict[str, Decimal | None]:
        return {c: self.cleaned_data[f"visits_{c}"] for c in RiskClass.values}
