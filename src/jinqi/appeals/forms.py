"""Forms of the appeal pages: they parse; the services decide (limits, states, who may act)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.appeals.enums import AppealKind, AppealState, Contact
from jinqi.appeals.models import Category, DeadlineRegime
from jinqi.appeals.selectors import QueueFilters
from jinqi.appeals.workflow import Action
from jinqi.core.forms import LineField, TextField


class FilingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=AppealKind.choices,
        initial=AppealKind.REQUEST,
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=_("— choose —")
    )
    title = LineField(label=_("Title"), max_length=100)
    # No max_length here: the service refuses an oversized text with its own message, the same
    # for the page and the API.
    text = TextField(
        label=_("Describe the matter"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 5,000 characters; attach documents for the details."),
    )
    contact_channel = forms.ChoiceField(
        label=_("How should the department contact you?"),
        choices=Contact.choices,
        initial=Contact.INBOX,
        widget=forms.RadioSelect,
    )
    contact_value = LineField(
        label=_("Phone number or e-mail address"), max_length=100, required=False
    )
    file_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]  # ModelChoiceField


class TextForm(forms.Form):
    """A reason, an answer or a message, with the version of the appeal the user saw."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = TextField(required=False, strip=True)


class ConfirmForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    solved = forms.TypedChoiceField(
        label=_("Is the matter solved?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes, solved")), ("no", _("No, but I accept the answer"))],
        initial="yes",
        widget=forms.RadioSelect,
    )
    text = TextField(label=_("Comment (optional)"), required=False)


class ActForm(forms.Form):
    """The department's and the lead office's actions on the appeal's page."""

    ACTIONS = (
        Action.RESPOND,
        Action.ASK_INFO,
        Action.TRANSFER,
        Action.REASSIGN,
        Action.RESOLVE,
        Action.MERGE,
        "urge",
    )
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    lock_version = forms.IntegerField()
    text = TextField(required=False)
    is_complex = forms.BooleanField(required=False)
    department = forms.ModelChoiceField(
        queryset=Department.objects.units(), required=False, to_field_name="code"
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, to_field_name="code"
    )
    original = LineField(required=False, max_length=20)


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *AppealState.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    q = LineField(label=_("Reference, title or enterprise"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("All")),
            *((c.code, c.name) for c in categories),
        ]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            state=data["state"],
            category=data["category"],
            overdue=data["overdue"],
            escalated=data["escalated"],
            query=data["q"],
        )


class RoutingForm(forms.Form):
    """The routing table as one form: for each category its department, regime and whether it
    is offered."""

    def __init__(
        self,
        *args: Any,
        categories: list[Category],
        departments: QuerySet[Department],
        regimes: QuerySet[DeadlineRegime],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            self.fields[f"department_{category.pk}"] = forms.ModelChoiceField(
                label=_("Department"),
                queryset=departments,
                initial=category.department_id,
                error_messages={"required": _("Choose the responsible department.")},
            )
            self.fields[f"regime_{category.pk}"] = forms.ModelChoiceField(
                label=_("Time limits"),
                queryset=regimes,
                initial=category.regime_id,
                error_messages={"required": _("Choose the time limits.")},
            )
            self.fields[f"active_{category.pk}"] = forms.BooleanField(
                label=_("Offered"), required=False, initial=category.is_active
            )

    def rows(self) -> list[tuple[Category, Any, Any, Any]]:
        return [
            (c, self[f"department_{c.pk}"], self[f"regime_{c.pk}"], self[f"active_{c.pk}"])
            for c in self.categories
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.categories and not any(data.get(f"active_{c.pk}") for c in self.categories):
            raise forms.ValidationError(_("Offer at least one category to enterprises."))
        return data


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must end after it starts."))
        if start and end and (end - start) > dt.timedelta(days=3660):
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data
