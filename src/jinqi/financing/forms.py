"""The financing pages' forms; every text passes the text boundary (core.forms)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import LineField, SlugField, TextField
from jinqi.financing.enums import Collateral, ProductKind
from jinqi.financing.models import FinancingRequest, Institution, Product
from jinqi.financing.services import ConsentData, GrantTerms, ProductData, RequestData

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        decimal_places=2,
    )
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360)
    purpose = TextField(label=_("Purpose"), max_length=1000, widget=forms.Textarea({"rows": 3}))
    collateral = forms.ChoiceField(label=_("Collateral"), choices=Collateral.choices)
    products = forms.ModelMultipleChoiceField(
        label=_("Products wanted"),
        queryset=Product.objects.offered(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def request_data(self) -> RequestData:
        data = self.cleaned_data
        return RequestData(
            amount=data["amount"],
            purpose=data["purpose"],
            term_months=data["term_months"],
            collateral=data["collateral"],
            products=list(data["products"]),
        )


ACTIONS = ("take", "ask", "answer", "grant", "decline", "withdraw")


class RequestActForm(forms.Form):
    """A step on a request (the buttons of its page)."""

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    lock_version = forms.IntegerField(min_value=0)
    text = TextField(required=False, max_length=2000)
    amount = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), max_value=Decimal("1000000"), decimal_places=2
    )
    rate = forms.DecimalField(
        required=False, min_value=Decimal(0), max_value=Decimal("99.99"), decimal_places=2
    )
    term_months = forms.IntegerField(required=False, min_value=1, max_value=360)
    product = forms.ModelChoiceField(queryset=Product.objects.all(), required=False)

    def terms(self) -> GrantTerms | None:
        data = self.cleaned_data
        if data["amount"] is None or data["rate"] is None or data["term_months"] is None:
            return None
        return GrantTerms(data["amount"], data["rate"], data["term_months"], data["product"])


class ConsentForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.all())
    purpose = LineField(label=_("Purpose"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    request = forms.ModelChoiceField(
        label=_("For the financing request"),
        queryset=FinancingRequest.objects.none(),
        required=False,
    )
    include_representative = forms.BooleanField(
        label=_("Include the legal representative's identity number and phone"), required=False
    )

    def __init__(self, *args: Any, requests: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["request"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = requests

    def consent_data(self) -> ConsentData:
        data = self.cleaned_data
        return ConsentData(
            institution=data["institution"],
            purpose=data["purpose"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            include_representative=data["include_representative"],
            request=data["request"],
        )


class ProductForm(forms.Form):
    code = SlugField(label=_("Code"), max_length=40)
    name = LineField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices)
    summary = TextField(label=_("What it is"), max_length=2000, widget=forms.Textarea({"rows": 3}))
    terms = TextField(label=_("Terms"), max_length=4000, widget=forms.Textarea({"rows": 4}))
    max_amount = forms.DecimalField(
        label=_("Largest amount (10,000 yuan)"), min_value=Decimal("0.01"), decimal_places=2
    )
    max_term_months = forms.IntegerField(
        label=_("Longest term (months)"), min_value=1, max_value=360
    )
    rate_note = LineField(label=_("Rate and fees"), max_length=200)
    eligibility_sql = TextField(
        label=_("Who may use it (rule)"), max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    source = LineField(
        label=_("Published source of the terms"),
        max_length=300,
        required=False,
        help_text=_("Leave empty when the terms are an example; the page then says so."),
    )
    active = forms.BooleanField(label=_("Offered"), required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)

    def product_data(self) -> ProductData:
        return ProductData(**self.cleaned_data)
