"""The department's editor of an application form, with no JSON to write: a formset of fields,
one of materials, one of review steps and the settings. `definition_from_editor` turns what was
posted into a `Definition` for `services.form_save`; `editor_initial` goes the other way."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.models import Department
from jinqi.applications.definition import (
    Definition,
    FormField,
    Material,
    ReviewStep,
    ShowWhen,
    coerce,
)
from jinqi.applications.enums import Admission, FieldKind, Reviewer
from jinqi.applications.models import ApplicationForm
from jinqi.applications.services import FormSettings
from jinqi.core.forms import LineField, TextField
from jinqi.registry.vocabulary import FIELDS

# How a yes/no condition is typed and shown in the editor.
YES, NO = "是", "否"


def _prefill_choices() -> list[tuple[str, Any]]:
    return [("", _("Asked on the form")), *((f.key, f.label) for f in FIELDS)]


# A field's key is the platform's, never typed: generated for a new row, then carried from
# version to version (hidden) whatever later happens to its label.
FIELD_KEY_PREFIX, MATERIAL_KEY_PREFIX = "field_", "material_"


def _key_field() -> LineField:
    return LineField(max_length=40, required=False, widget=forms.HiddenInput)


class FieldForm(forms.Form):
    key = _key_field()
    label = LineField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=FieldKind.choices)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    help = LineField(label=_("Help text"), max_length=500, required=False)
    minimum = forms.FloatField(label=_("Minimum"), required=False)
    maximum = forms.FloatField(label=_("Maximum"), required=False)
    max_length = forms.IntegerField(label=_("Maximum length"), required=False, min_value=1)
    choices = TextField(
        label=_("Choices (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_when_field = LineField(
        label=_("Show only when the question"),
        max_length=200,
        required=False,
        help_text=_("An earlier question, as written above."),
    )
    show_when_value = LineField(
        label=_("has the value"),
        max_length=200,
        required=False,
        help_text=_("For a yes/no field write 是 or 否."),
    )
    prefill = forms.ChoiceField(
        label=_("Filled from the registry"),
        required=False,
        choices=_prefill_choices,
        help_text=_("Data the government holds is shown, not asked (零材料)."),
    )


class MaterialForm(forms.Form):
    key = _key_field()
    label = LineField(label=_("Name"), max_length=200)
    held_by = forms.ChoiceField(label=_("Provided by"), required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["held_by"]).choices = [
            ("", _("The enterprise uploads it")),
            *Department.objects.units().order_by("name").values_list("code", "name"),
        ]


class StepForm(forms.Form):
    label = LineField(label=_("Step"), max_length=100)
    reviewer = forms.ChoiceField(label=_("Reviewer"), choices=Reviewer.choices)
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60, initial=5)


class SettingsForm(forms.Form):
    admission = forms.ChoiceField(label=_("Who may apply"), choices=Admission.choices)
    is_open = forms.BooleanField(label=_("Accepting applications"), required=False)
    acceptance_days = forms.IntegerField(
        label=_("Working days to accept or return (受理)"), min_value=1, max_value=60
    )
    correction_days = forms.IntegerField(
        label=_("Working days for the enterprise to correct (补正)"), min_value=1, max_value=60
    )
    publicity_days = forms.IntegerField(
        label=_("Working days of public notice (公示)"), min_value=1, max_value=60
    )
    note = LineField(label=_("What changed"), max_length=300, required=False)

    def form_settings(self) -> FormSettings:
        data = self.cleaned_data
        return FormSettings(
            admission=data["admission"],
            is_open=data["is_open"],
            acceptance_days=data["acceptance_days"],
            correction_days=data["correction_days"],
            publicity_days=data["publicity_days"],
        )


FieldFormSet = forms.formset_factory(FieldForm, extra=1, can_delete=True, max_num=100)
MaterialFormSet = forms.formset_factory(MaterialForm, extra=1, can_delete=True, max_num=50)
StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=10)


class Editor:
    """The four parts of the editor, bound or not, with their prefixes."""

    def __init__(
        self,
        data: Any = None,
        *,
        current: ApplicationForm | None = None,
        keys_used: frozenset[str] = frozenset(),
    ) -> None:
        """`keys_used`: every key of every version so far; a new row never takes one."""
        self.keys_used = keys_used
        initial = editor_initial(current)
        self.settings = SettingsForm(data, initial=initial["settings"], prefix="settings")
        self.fields = FieldFormSet(data, initial=initial["fields"], prefix="fields")
        self.materials = MaterialFormSet(data, initial=initial["materials"], prefix="materials")
        self.steps = StepFormSet(data, initial=initial["steps"], prefix="steps")

    def is_valid(self) -> bool:
        parts = (self.settings, self.fields, self.materials, self.steps)
        return all([part.is_valid() for part in parts])  # a list: validate every part

    def definition(self) -> Definition:
        kept_fields, kept_materials = _kept(self.fields), _kept(self.materials)
        taken = set(self.keys_used) | {d["key"].strip() for d in kept_fields + kept_materials}
        fields: list[FormField] = []
        for data in kept_fields:
            key = data["key"].strip() or _new_key(FIELD_KEY_PREFIX, taken)
            fields.append(_field(data, key, fields))
        return Definition(
            fields=tuple(fields),
            materials=tuple(
                Material(
                    key=d["key"].strip() or _new_key(MATERIAL_KEY_PREFIX, taken),
                    label=d["label"].strip(),
                    held_by=d["held_by"] or "",
                    required=d["required"],
                )
                for d in kept_materials
            ),
            steps=tuple(
                ReviewStep(label=d["label"].strip(), reviewer=d["reviewer"], days=d["days"])
                for d in _kept(self.steps)
            ),
        )


def _kept(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows kept, in order: those pre-filled and the extra ones filled in, less those
    marked for deletion."""
    return [
        form.cleaned_data
        for i, form in enumerate(formset.forms)
        if (i < formset.initial_form_count() or form.has_changed())
        and form.cleaned_data
        and not form.cleaned_data.get("DELETE")
    ]


def _new_key(prefix: str, taken: set[str]) -> str:
    """The next `prefix<n>` no version has used (a retired key is never given a new meaning)."""
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    taken.add(f"{prefix}{number}")
    return f"{prefix}{number}"


def _field(data: dict[str, Any], key: str, earlier: list[FormField]) -> FormField:
    show_when = None
    if data["show_when_field"].strip():
        named = data["show_when_field"].strip()
        # The question is named by its text (its key is accepted too, as older versions did).
        spec = next((f for f in earlier if named in (f.label, f.key)), None)
        other = spec.key if spec is not None else named
        raw = data["show_when_value"].strip()
        value: Any = raw
        if spec is not None and spec.kind == FieldKind.BOOLEAN:
            value = {YES: True, NO: False}.get(raw, raw)
        elif spec is not None:
            # A number condition compares with a number; an unreadable one is left as typed,
            # and the definition check names it.
            coerced, problem = coerce(spec, raw)
            value = raw if problem else coerced
        show_when = ShowWhen(field=other, equals=value)
    return FormField(
        key=key,
        label=data["label"].strip(),
        kind=data["kind"],
        required=data["required"],
        help=data["help"].strip(),
        minimum=data["minimum"],
        maximum=data["maximum"],
        max_length=data["max_length"],
        choices=tuple(line.strip() for line in data["choices"].splitlines() if line.strip()),
        show_when=show_when,
        prefill=data["prefill"] or "",
    )


def _shown(value: Any) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    return "" if value is None else str(value)


def editor_initial(current: ApplicationForm | None) -> dict[str, Any]:
    """The editor pre-filled from the current version (or a first form's defaults)."""
    if current is None:
        defaults = FormSettings()
        return {
            "settings": {**vars(defaults)},
            "fields": [],
            "materials": [],
            "steps": [{"label": str(_("Department review")), "reviewer": Reviewer.DEPARTMENT}],
        }
    definition = current.definition
    labels = {f.key: f.label for f in definition.fields}
    return {
        "settings": {
            "admission": current.admission,
            "is_open": current.is_open,
            "acceptance_days": current.acceptance_days,
            "correction_days": current.correction_days,
            "publicity_days": current.publicity_days,
        },
        "fields": [
            {
                "key": f.key,
                "label": f.label,
                "kind": f.kind,
                "required": f.required,
                "help": f.help,
                "minimum": f.minimum,
                "maximum": f.maximum,
                "max_length": f.max_length,
                "choices": "\n".join(f.choices),
                "show_when_field": labels.get(f.show_when.field, f.show_when.field)
                if f.show_when
                else "",
                "show_when_value": _shown(f.show_when.equals) if f.show_when else "",
                "prefill": f.prefill,
            }
            for f in definition.fields
        ],
        "materials": [vars(m) for m in definition.materials],
        "steps": [vars(s) for s in definition.steps],
    }
