"""Web forms of the department's workbench and of the public notice: the queue's filters, the
review actions and objections. The services check everything again; these only parse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.applications import workflow
from jinqi.applications.enums import ApplicationState
from jinqi.applications.selectors import QueueFilters
from jinqi.core.forms import LineField, TextField
from jinqi.policies.models import Policy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    policy = forms.ChoiceField(label=_("Policy"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = LineField(
        label=_("Enterprise, credit code or reference"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, data: Any, *, policies: Iterable[Policy]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("All")),
            *_department_states(),
        ]
        cast(forms.ChoiceField, self.fields["policy"]).choices = [
            ("", _("All")),
            *((p.code, p.title) for p in policies),
        ]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            state=data["state"], policy=data["policy"], overdue=data["overdue"], query=data["q"]
        )


def _department_states() -> list[tuple[str, Any]]:
    return [(v, label) for v, label in ApplicationState.choices if v in workflow.DEPARTMENT_VISIBLE]


class ReviewAction:
    """The actions of the review page, as posted in `action`."""

    RETURN = "return"
    ACCEPT = "accept"
    PASS = "pass"
    REJECT = "reject"
    DISBURSE = "disburse"
    ALL = (RETURN, ACCEPT, PASS, REJECT, DISBURSE)


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=16, decimal_places=4
    )


class ActForm(forms.Form):
    """One review action; which fields count depends on `action` (the service says what is
    missing, e.g. a reason)."""

    action = forms.ChoiceField(choices=[(a, a) for a in ReviewAction.ALL])
    lock_version = forms.IntegerField(min_value=0)
    comment = TextField(label=_("Comment"), required=False, max_length=5000)
    approved_amount = _amount(_("Approved amount (10,000 CNY)"))
    amount = _amount(_("Amount paid (10,000 CNY)"))
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == ReviewAction.DISBURSE:
            if data.get("amount") is None:
                self.add_error("amount", _("Give the amount paid."))
            if data.get("paid_on") is None:
                self.add_error("paid_on", _("Give the payment date."))
        return data


class BatchActionForm(forms.Form):
    ACCEPT = "accept"
    PUBLICISE = "publicise"

    action = forms.ChoiceField(choices=[(ACCEPT, ACCEPT), (PUBLICISE, PUBLICISE)])
    # Each selected row as "reference:lock_version", so that a stale one is skipped.
    selected = forms.MultipleChoiceField(required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["selected"]).choices = [
            (v, v) for v in data.getlist("selected")
        ]

    def chosen(self) -> dict[str, int]:
        """Reference → the lock version the user saw."""
        chosen: dict[str, int] = {}
        for value in self.cleaned_data["selected"]:
            reference, _sep, version = value.partition(":")
            if version.isdigit():
                chosen[reference] = int(version)
        return chosen


class ObjectionAnswerForm(forms.Form):
    answer = TextField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionForm(forms.Form):
    text = TextField(
        label=_("Your objection"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, and what you know that the department should check."),
    )
    contact = LineField(
        label=_("How to reach you"),
        max_length=100,
        help_text=_("A phone number or e-mail address; the department uses it only to reply."),
    )
    application = forms.ChoiceField(label=_("About which enterprise (optional)"), required=False)

    def __init__(self, data: Any = None, *, rows: Iterable[Any] = ()) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["application"]).choices = [
            ("", _("The whole list")),
            *((row.reference, row.enterprise) for row in rows),
        ]
