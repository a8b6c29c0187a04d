"""The alliance's forms; every text passes the text boundary (core.forms), every file the file
boundary (core.uploads, in the service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinqi.core.forms import EmailField, LineField, TextField
from jinqi.providers.enums import ProviderCategory
from jinqi.providers.selectors import towns
from jinqi.providers.services import NeedIn, ProviderApplication
from jinqi.registry.uscc import check_uscc

SCORES = [(n, str(n)) for n in range(5, 0, -1)]


class TownsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TownField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ApplicationForm(forms.Form):
    """The public application form: the organisation, what it offers where, a contact, and its
    qualification documents."""

    name = LineField(label=_("Name of the organisation"), max_length=200)
    uscc = LineField(label=_("Unified social credit code"), max_length=18)
    category = forms.ChoiceField(label=_("Category"), choices=ProviderCategory.choices)
    towns = TownsField(
        label=_("Towns served"), queryset=towns(), widget=forms.CheckboxSelectMultiple
    )
    description = TextField(
        label=_("Services offered"), max_length=2000, widget=forms.Textarea({"rows": 4})
    )
    contact_person = LineField(label=_("Contact person"), max_length=60)
    contact_phone = LineField(label=_("Contact phone"), max_length=30)
    contact_email = EmailField(
        label=_("Contact e-mail"),
        help_text=_("The first account is made for this address when the office admits you."),
    )
    licence = forms.FileField(
        label=_("Practising or business licence"), help_text=_("PDF, JPEG or PNG.")
    )
    other = forms.FileField(
        label=_("Other qualification (optional)"),
        required=False,
        help_text=_("Certificates of staff, awards, filings."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["towns"].queryset = towns()  # type: ignore[attr-defined]  # fresh per form

    def clean_uscc(self) -> str:
        code = str(self.cleaned_data["uscc"]).strip().upper()
        result = check_uscc(code)
        if not result.valid:
            raise forms.ValidationError("; ".join(result.errors))
        return code

    def application(self) -> ProviderApplication:
        data = self.cleaned_data
        return ProviderApplication(
            name=data["name"],
            uscc=data["uscc"],
            category=data["category"],
            towns=list(data["towns"]),
            description=data["description"],
            contact_person=data["contact_person"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
        )

    def documents(self) -> list[tuple[str, Any]]:
        documents = [(str(_("Practising or business licence")), self.cleaned_data["licence"])]
        if self.cleaned_data.get("other"):
            documents.append((str(_("Other qualification")), self.cleaned_data["other"]))
        return documents


class DecisionForm(forms.Form):
    """The office's step on a provider (the buttons of its page)."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("admit", "refuse", "suspend", "reinstate", "remove")]
    )
    lock_version = forms.IntegerField(min_value=0)
    text = TextField(label=pgettext_lazy("providers", "Reason"), max_length=2000, required=False)


class DirectoryFilter(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *ProviderCategory.choices],
        required=False,
    )
    town = TownField(
        label=pgettext_lazy("providers", "Town"),
        queryset=towns(),
        required=False,
        empty_label=_("All towns"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns()  # type: ignore[attr-defined]  # fresh per form


class NeedForm(forms.Form):
    """A need posted to a category and town (the provider, when picked, is given apart)."""

    category = forms.ChoiceField(label=_("Kind of provider"), choices=ProviderCategory.choices)
    town = TownField(
        label=pgettext_lazy("providers", "Town"),
        queryset=towns(),
        required=False,
        empty_label=_("Any town"),
    )
    text = TextField(
        label=pgettext_lazy("providers", "What you need"),
        max_length=2000,
        widget=forms.Textarea({"rows": 5}),
    )

    def __init__(self, *args: Any, picked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns()  # type: ignore[attr-defined]  # fresh per form
        if picked:  # the provider's own category and towns apply
            del self.fields["category"]
            del self.fields["town"]

    def need_in(self, provider: Any = None) -> NeedIn:
        data = self.cleaned_data
        return NeedIn(
            category=data.get("category", ""),
            town=data.get("town"),
            text=data["text"],
            provider=provider,
        )


class MessageForm(forms.Form):
    lock_version = forms.IntegerField(min_value=0)
    text = TextField(
        label=pgettext_lazy("providers", "Message"),
        max_length=4000,
        widget=forms.Textarea({"rows": 4}),
    )


class RatingForm(forms.Form):
    lock_version = forms.IntegerField(min_value=0)
    score = forms.TypedChoiceField(
        label=_("Score"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = TextField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )


class LockForm(forms.Form):
    lock_version = forms.IntegerField(min_value=0)
