from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.core.forms import LineField, SlugField, TextField
from jinqi.core.indicators import all_indicators
from jinqi.plans.enums import MeasureStatus, Rating, SupervisionKind
from jinqi.plans.models import Measure, Plan
from jinqi.plans.selectors import ReportMonths


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def month_label(month: dt.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Month"))
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    narrative = TextField(label=_("Progress"), widget=forms.Textarea, max_length=5000)
    evidence = MultipleFileField(label=_("Evidence (PDF, images, XLSX, DOCX)"), required=False)
    indicator_values = TextField(
        label=_("Indicator values (optional)"),
        help_text=_("One per line, name = number, e.g. 办件数 = 120"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, months: ReportMonths, **kwargs: Any) -> None:
        """Offers only the months still open to a report; starts on the month being reported
        now, with the status the department last reported."""
        super().__init__(*args, **kwargs)
        choices = [(f"{m:%Y-%m}", month_label(m)) for m in months.open]
        self.fields["period"].choices = choices  # type: ignore[attr-defined]  # ChoiceField
        if months.default and not self.initial.get("period"):
            self.initial["period"] = f"{months.default:%Y-%m}"
        if months.last_status and not self.initial.get("status"):
            self.initial["status"] = months.last_status

    def clean_indicator_values(self) -> dict[str, float]:
        values: dict[str, float] = {}
        for number, line in enumerate(self.cleaned_data["indicator_values"].splitlines(), 1):
            if not line.strip():
                continue
            name, sep, raw = line.replace("＝", "=").partition("=")
            try:
                value = float(raw.strip().replace(",", ""))
            except ValueError:
                value = None
            if not sep or not name.strip() or value is None:
                raise forms.ValidationError(
                    _("Line %(n)s: write name = number, e.g. 办件数 = 120.") % {"n": number}
                )
            values[name.strip()] = value
        return values

    def clean_period(self) -> dt.date:
        year, month = self.cleaned_data["period"].split("-")
        return dt.date(int(year), int(month), 1)


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)
    comment = TextField(label=_("Comment"), widget=forms.Textarea, required=False)
    public_summary = TextField(
        label=_("Public summary (leave empty to keep the report internal)"),
        widget=forms.Textarea,
        required=False,
        max_length=1000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    comment = TextField(label=_("What must be reworked"), widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PublicationForm(forms.Form):
    public_summary = TextField(
        label=_("Public summary"), widget=forms.Textarea, required=False, max_length=1000
    )
    is_public = forms.BooleanField(label=_("Show on the public progress page"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class UrgingForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Department"))
    message = TextField(label=_("Message"), widget=forms.Textarea, max_length=2000)
    reply_due = forms.DateField(label=_("Reply by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]  # ModelChoiceField
            assignments__measure=measure
        )


class UrgingReplyForm(forms.Form):
    reply = TextField(label=_("Reply"), widget=forms.Textarea, max_length=5000)


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = LineField(label=_("Title"), max_length=200)
    summary = TextField(label=_("Summary"), widget=forms.Textarea)
    participants = LineField(label=_("Participants"), max_length=300, required=False)
    measures = forms.ModelMultipleChoiceField(
        queryset=Measure.objects.none(),
        label=_("Measures"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = plan.measures.all()  # type: ignore[attr-defined]  # ModelMultipleChoiceField


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Measure table (CSV in UTF-8 or GBK, or XLSX)"))
    code = SlugField(label=_("Plan code"), max_length=40)
    title = LineField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    document_number = LineField(label=_("Document number"), max_length=60, required=False)


class RollOverForm(forms.Form):
    code = SlugField(label=_("New plan code"), max_length=40)
    title = LineField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class DeadlineForm(forms.Form):
    deadline = LineField(label=_("Deadline (e.g. 6月, 持续推进)"), max_length=40)


class GroupMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        queryset=Department.objects.units(),
        label=_("Members"),
        widget=forms.CheckboxSelectMultiple,
    )


class IndicatorsForm(forms.Form):
    keys = forms.MultipleChoiceField(
        label=_("Live indicators"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = [(i.key, i.label) for i in all_indicators()]  # type: ignore[attr-defined]  # MultipleChoiceField


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("1", _("a working day")), ("0", _("a day off"))],
        coerce=lambda v: v == "1",
    )
    note = LineField(label=_("Reason"), max_length=200)
