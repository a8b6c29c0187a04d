from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.errors import DomainError
from jinqi.core.forms import LineField
from jinqi.search.query import MAX_QUERY_LENGTH, Filters
from jinqi.search.services import query_check


class SearchForm(forms.Form):
    """The query and its filters, for the search page and for saving a search."""

    q = LineField(label=_("Search"), required=False, strip=True)
    kind = LineField(required=False, max_length=20)
    department = LineField(required=False, max_length=40)
    delivery = LineField(required=False, max_length=20)
    industry = LineField(required=False, max_length=1)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def clean_q(self) -> str:
        try:
            return query_check(self.cleaned_data.get("q") or "")
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            kind=data.get("kind") or "",
            department=data.get("department") or "",
            delivery=data.get("delivery") or "",
            industry=(data.get("industry") or "").upper(),
        )


__all__ = ["MAX_QUERY_LENGTH", "SearchForm"]
