"""The inspection pages' forms; every text passes the text boundary (core.forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.accounts.enums import DepartmentKind
from jinqi.accounts.models import Department
from jinqi.core.forms import LineField, TextField
from jinqi.inspections import services
from jinqi.inspections.enums import PlanKind, RiskLevel, TriggerReason
from jinqi.inspections.models import InspectionItem, Plan
from jinqi.registry.enums import SizeClass

DATE = forms.DateInput({"type": "date"})


class ItemForm(forms.Form):
    code = LineField(label=_("Item code"), max_length=40)
    name = LineField(label=_("Item"), max_length=200)
    legal_basis = TextField(
        label=_("Legal basis"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    content = TextField(
        label=_("What is checked"), max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    standard = TextField(label=_("Standard"), max_length=4000, widget=forms.Textarea({"rows": 2}))
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    no_disturb = forms.BooleanField(
        label=_("On the do-not-disturb list"),
        required=False,
        help_text=_("Checked only when a complaint or a lead calls for it (无事不扰)."),
    )

    def item_in(self) -> services.ItemIn:
        return services.ItemIn(**self.cleaned_data)

    @staticmethod
    def initial_of(item: InspectionItem) -> dict[str, Any]:
        fields = ("code", "name", "legal_basis", "content", "standard", "risk_level", "no_disturb")
        return {name: getattr(item, name) for name in fields}


class ChecklistForm(forms.Form):
    name = LineField(label=_("Checklist"), max_length=200)
    industry_prefixes = LineField(
        label=_("Industry codes"),
        max_length=200,
        help_text=_("GB/T 4754 codes or their beginnings, separated by spaces, e.g. C26 C27."),
    )
    drafted_by = LineField(
        label=_("Drafted by"),
        max_length=200,
        required=False,
        help_text=_("The institution that drafted it, if any; your department owns it."),
    )
    description = TextField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea({"rows": 2})
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Items"),
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]  # a ModelMultipleChoiceField

    def checklist_in(self) -> services.ChecklistIn:
        data = self.cleaned_data
        return services.ChecklistIn(
            name=data["name"],
            industry_prefixes=data["industry_prefixes"]
            .replace("，", " ")
            .replace(",", " ")
            .split(),
            drafted_by=data["drafted_by"],
            description=data["description"],
            item_ids=[item.pk for item in data["items"]],
        )


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind of plan"), choices=PlanKind.choices)
    title = LineField(label=_("Title"), max_length=200)
    reason_kind = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—"), *TriggerReason.choices],
        required=False,
        help_text=_("For a triggered inspection."),
    )
    reason = TextField(
        label=_("Reason given"), max_length=4000, required=False, widget=forms.Textarea({"rows": 2})
    )
    description = TextField(
        label=_("Scope and method"),
        max_length=4000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Items"),
        queryset=InspectionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]  # a ModelMultipleChoiceField

    def plan_in(self) -> services.PlanIn:
        data = self.cleaned_data
        return services.PlanIn(
            year=data["year"],
            kind=data["kind"],
            title=data["title"],
            reason_kind=data["reason_kind"],
            reason=data["reason"],
            description=data["description"],
            item_ids=[item.pk for item in data["items"]],
        )


class PlanActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("file", "submit", "approve", "refuse", "publish", "withdraw")]
    )
    lock_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = TextField(label=_("Comment"), max_length=2000, required=False)


class InspectorForm(forms.Form):
    name = LineField(label=_("Name"), max_length=60)
    certificate_number = LineField(label=_("Certificate number"), max_length=40)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE)

    def inspector_in(self) -> services.InspectorIn:
        return services.InspectorIn(**self.cleaned_data)


class ConflictForm(forms.Form):
    inspector = forms.IntegerField(widget=forms.HiddenInput)
    uscc = LineField(label=_("Unified social credit code"), max_length=18)
    reason = LineField(label=_("Reason"), max_length=200, required=False)


class DrawForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Inspection plan"), queryset=Plan.objects.none())
    window_start = forms.DateField(label=_("Window start"), widget=DATE)
    window_end = forms.DateField(label=_("Window end"), widget=DATE)
    industry_prefix = LineField(
        label=_("Industry code prefix"),
        max_length=5,
        required=False,
        help_text=_("E.g. C26 for chemicals; empty for every industry."),
    )
    town = forms.ModelChoiceField(
        label=_("Town, street or park"),
        queryset=Department.objects.filter(
            kind__in=[DepartmentKind.TOWN, DepartmentKind.STREET, DepartmentKind.PARK]
        ),
        required=False,
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), choices=[("", "—"), *SizeClass.choices], required=False
    )
    per_enterprise = forms.IntegerField(
        label=_("Inspectors per enterprise"), min_value=1, max_value=10, initial=2
    )

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]  # a ModelChoiceField

    def draw_in(self) -> services.DrawIn:
        data = self.cleaned_data
        return services.DrawIn(
            plan=data["plan"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            industry_prefix=data["industry_prefix"].strip().upper(),
            town=data["town"],
            size_class=data["size_class"],
            per_enterprise=data["per_enterprise"],
        )
