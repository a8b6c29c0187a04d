from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import LineField, TextField
from jinqi.registry.services import REVEAL_REASON_MAX_LENGTH


class SearchForm(forms.Form):
    q = LineField(label=_("Name or code"), required=False, max_length=100)
    town = LineField(label=_("Town, street or park"), required=False, max_length=40)
    industry = LineField(label=_("Industry code prefix"), required=False, max_length=5)


class CorrectionForm(forms.Form):
    reason = TextField(
        label=_("What is wrong, and what is right?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RevealForm(forms.Form):
    """Why personal data is being read; kept in the audit row with who and when."""

    reason = LineField(
        label=_("Reason for reading the personal data"),
        max_length=REVEAL_REASON_MAX_LENGTH,
        help_text=_("Recorded in the audit trail with your name and the time."),
    )


class CorrectionAnswerForm(forms.Form):
    corrected = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("The fact is corrected")), ("0", _("The fact stands"))],
        coerce=lambda v: v == "1",
    )
    new_value = LineField(label=_("Corrected value"), required=False, max_length=200)
    answer = TextField(label=_("Answer to the enterprise"), widget=forms.Textarea)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV in UTF-8 or GBK, XLSX or Parquet)"))
    as_of = forms.DateField(
        label=_("As of (leave empty for today)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
