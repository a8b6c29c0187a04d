from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.errors import DomainError
from jinqi.core.forms import LineField, LinkField, SlugField, TextField
from jinqi.policies.enums import Allocation, Delivery, Outcome
from jinqi.policies.models import Policy
from jinqi.policies.services import PolicyData
from jinqi.registry.rules_vocabulary import rule_validate


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CatalogueFilterForm(forms.Form):
    department = LineField(label=_("Department"), required=False, max_length=40)
    delivery = forms.ChoiceField(
        label=_("Delivery"), choices=[("", _("All")), *Delivery.choices], required=False
    )
    in_force = forms.BooleanField(label=_("In force today"), required=False)


class RuleField(TextField):
    """A rule in the rules language, validated by the engine (its message names the part)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Eligibility rule"))
        kwargs.setdefault("max_length", 20_000)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 8, "class": "code", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            try:
                rule_validate(value)
            except DomainError as error:
                raise forms.ValidationError(error.message) from error


class RuleTestForm(forms.Form):
    rule = RuleField()


class PolicyForm(forms.Form):
    """What a department states about a policy, and its rule; the code is fixed once created."""

    code = SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_(
            "Lower-case letters, digits and hyphens, e.g. tech-sme-2027; not changed later."
        ),
    )
    title = LineField(label=_("Title"), max_length=200)
    title_en = LineField(label=_("Title in English"), max_length=200, required=False)
    document_number = LineField(label=_("Document number (文号)"), max_length=200)
    article = LineField(label=_("Article"), max_length=200, required=False)
    source_url = LinkField(
        label=_("Source (link to the document)"), required=False, assume_scheme="https"
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False)
    summary = TextField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    benefit = TextField(
        label=_("Benefit"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    simplifications = TextField(
        label=_("What the platform's check covers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
        help_text=_(
            "For enterprises, in plain words: which conditions of the document the platform "
            "checks and which it leaves to the department."
        ),
    )
    staff_note = TextField(
        label=_("Note for staff"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
        help_text=_(
            "Shown only to department staff and the lead office: what was checked against "
            "which text, what stands in for missing data, open questions."
        ),
    )
    full_text = TextField(
        label=_("Full text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    needs_confirmation = forms.BooleanField(
        label=_("The enterprise confirms it wants the benefit (auto-grant)"), required=False
    )
    quota = forms.IntegerField(
        label=_("Number of grants available (auto-grant)"), min_value=1, required=False
    )
    budget = forms.DecimalField(
        label=_("Budget, 10,000 CNY (auto-grant)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    grant_amount = forms.DecimalField(
        label=_("Amount per grant, 10,000 CNY (auto-grant)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    allocation = forms.ChoiceField(
        label=_("Allocation (auto-grant)"),
        choices=Allocation.choices,
        initial=Allocation.FIRST_MATCHED,
    )
    amount_expression = TextField(
        label=_("Amount, as a calculation (10,000 CNY)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_(
            "Optional: a calculation over the enterprise's data that gives the amount, e.g. "
            "share × contributions; dated parameters are written in braces."
        ),
    )
    amount_calculation = TextField(
        label=_("The calculation in words"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
    offer_expiry_days = forms.IntegerField(
        label=_("Working days to answer an offer (auto-grant)"),
        min_value=1,
        max_value=60,
        required=False,
    )
    rule = RuleField()
    note = LineField(
        label=_("What changed in the rule"),
        max_length=300,
        required=False,
        help_text=_("Kept with the new rule version."),
    )

    def __init__(self, *args: Any, policy: Policy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        if policy is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity cannot be before its start."))
        return data

    def policy_data(self) -> PolicyData:
        data = self.cleaned_data
        return PolicyData(
            code=data["code"],
            title=data["title"],
            title_en=data["title_en"],
            document_number=data["document_number"],
            article=data["article"],
            source_url=data["source_url"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            summary=data["summary"],
            full_text=data["full_text"],
            benefit=data["benefit"],
            simplifications=data["simplifications"],
            staff_note=data["staff_note"],
            delivery=data["delivery"],
            needs_confirmation=data["needs_confirmation"],
            quota=data["quota"],
            budget=data["budget"],
            grant_amount=data["grant_amount"],
            allocation=data["allocation"],
            amount_expression=data["amount_expression"],
            amount_calculation=data["amount_calculation"],
            offer_expiry_days=data["offer_expiry_days"],
            # Dated parameters, the estimate flag and the reminder are not edited on this page;
            # keep the stored ones.
            parameters=list(self.policy.parameters) if self.policy else [],
            amount_is_estimate=self.policy.amount_is_estimate if self.policy else False,
            offer_reminder_days=self.policy.offer_reminder_days if self.policy else 2,
        )

    @classmethod
    def initial_for(cls, policy: Policy, sql: str) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n not in ("rule", "note")]
        return {**{n: getattr(policy, n) for n in names}, "rule": sql}


class MatchFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("", _("All")),
            (Outcome.ELIGIBLE, Outcome.ELIGIBLE.label),
            (Outcome.UNKNOWN, Outcome.UNKNOWN.label),
        ],
        required=False,
    )


class GrantConfirmForm(forms.Form):
    payee_account = LineField(
        label=_("Account to be paid into"),
        max_length=100,
        help_text=_("Bank and account number of the enterprise's basic account."),
    )


class GrantDeclineForm(forms.Form):
    reason = LineField(label=_("Reason (optional)"), max_length=300, required=False)
