"""Forms of accompanied procedures; texts enter through core's boundary fields (ADR 0008)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinqi.assist import selectors
from jinqi.assist.enums import DifficultyKind
from jinqi.assist.models import Slot
from jinqi.core.forms import LineField, TextField

PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
TIMES = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class SlotChoiceField(forms.ModelChoiceField[Slot]):
    def label_from_instance(self, obj: Slot) -> str:
        return _("%(window)s · %(day)s %(start)s–%(end)s · %(room)s places left") % {
            "window": obj.window.name,
            "day": obj.day.strftime("%Y-%m-%d"),
            "start": obj.starts_at.strftime("%H:%M"),
            "end": obj.ends_at.strftime("%H:%M"),
            "room": obj.room,
        }


class BookForm(forms.Form):
    matter = forms.ModelChoiceField(
        label=_("Matter"),
        queryset=selectors.matters_offered(),
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose a matter from the list.")},
    )
    slot = SlotChoiceField(
        label=_("Service window and time"),
        queryset=selectors.slots_bookable(),
        empty_label=_("— choose —"),
        error_messages={
            "invalid_choice": _("This time cannot be booked any more; choose another.")
        },
        help_text=_("Working days only; each time takes a limited number of enterprises."),
    )
    note = TextField(
        label=_("What you need help with"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_phone = LineField(label=_("Contact phone"), required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fresh querysets per form: which times have room changes by the minute.
        self.fields["matter"].queryset = selectors.matters_offered()  # type: ignore[attr-defined]
        self.fields["slot"].queryset = selectors.slots_bookable()  # type: ignore[attr-defined]

    def clean_contact_phone(self) -> str:
        phone: str = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Give a phone number in digits."))
        return phone


class RescheduleForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    slot = SlotChoiceField(
        label=_("New time"),
        queryset=selectors.slots_bookable(),
        empty_label=_("— choose —"),
        error_messages={
            "invalid_choice": _("This time cannot be booked any more; choose another.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = selectors.slots_bookable()  # type: ignore[attr-defined]


class ActForm(forms.Form):
    """A step on a booking or an improvement item, posted from its page's buttons."""

    action = LineField(max_length=20)
    lock_version = forms.IntegerField(min_value=0)
    text = TextField(required=False, max_length=5000)
    official = forms.IntegerField(required=False, min_value=1)
    rating = forms.IntegerField(required=False, min_value=1, max_value=5)
    department = forms.IntegerField(required=False, min_value=1)


class DifficultyForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("assist", "Kind"), choices=DifficultyKind.choices)
    description = TextField(
        label=_("What went wrong and what should change"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=selectors.departments_for_routing(),
        required=False,
        empty_label=_("the matter's department"),
    )

    def clean_description(self) -> str:
        text: str = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError(_("Describe the difficulty."))
        return text


class SlotsForm(forms.Form):
    window = forms.ModelChoiceField(
        label=_("Service window"), queryset=selectors.windows_run_by(None)
    )
    first = forms.DateField(
        label=pgettext_lazy("assist", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=pgettext_lazy("assist", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    times = LineField(
        label=_("Times"),
        max_length=200,
        initial="09:00-10:00, 10:00-11:00, 14:00-15:00, 15:00-16:00",
        help_text=_("Start and end of each time, separated by commas."),
    )
    capacity = forms.IntegerField(
        label=_("Enterprises per time"), min_value=1, max_value=50, initial=3
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = selectors.windows_run_by(user)  # type: ignore[attr-defined]

    def clean_times(self) -> list[tuple[dt.time, dt.time]]:
        times = []
        # A full-width comma is what Chinese input methods type.
        for part in self.cleaned_data["times"].replace("\uff0c", ",").split(","):
            match = TIMES.match(part)
            if not match:
                raise forms.ValidationError(_("Write each time as 09:00-10:00."))
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
                raise forms.ValidationError(_("Write each time as 09:00-10:00."))
            times.append((dt.time(h1, m1), dt.time(h2, m2)))
        return times
