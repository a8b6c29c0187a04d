from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import LineField, LinkField, TextField
from jinqi.guides.models import Faq, ServiceGuide
from jinqi.guides.services import FaqData, GuideData

MAX_BODY = 20_000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise forms.ValidationError(_("This field cannot be only spaces."))
    return value.strip()


class GuideForm(forms.Form):
    title = LineField(label=_("Title"), max_length=200)
    matter = LineField(
        label=_("Matter served"),
        max_length=200,
        help_text=_("The matter as the government service catalogue names it, e.g. 企业设立登记."),
    )
    body = TextField(
        label=_("Guide"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Conditions, materials, steps, time limit and fees, in plain text."),
    )
    online_url = LinkField(
        label=_("Online service"),
        required=False,
        assume_scheme="https",
        help_text=_("The address where the matter is handled online (https)."),
    )

    def clean_title(self) -> str:
        return _not_blank(self.cleaned_data["title"])

    def clean_matter(self) -> str:
        return _not_blank(self.cleaned_data["matter"])

    def clean_body(self) -> str:
        body = _not_blank(self.cleaned_data["body"])
        if len(body) < 20:
            raise forms.ValidationError(
                _("A guide needs at least 20 characters: say what to prepare and how to apply.")
            )
        return body

    def clean_online_url(self) -> str:
        url: str = self.cleaned_data["online_url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError(_("The online service must be an https:// address."))
        return url

    def data_object(self) -> GuideData:
        return GuideData(
            **{k: self.cleaned_data[k] for k in ("title", "matter", "body", "online_url")}
        )

    @staticmethod
    def initial_for(guide: ServiceGuide) -> dict[str, Any]:
        return {
            "title": guide.title,
            "matter": guide.matter,
            "body": guide.body,
            "online_url": guide.online_url,
        }


class FaqForm(forms.Form):
    category = LineField(
        label=_("Category"), max_length=60, help_text=_("e.g. 企业开办, 纳税, 社保")
    )
    question = LineField(label=_("Question"), max_length=300)
    answer = TextField(
        label=_("Answer"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean_category(self) -> str:
        return _not_blank(self.cleaned_data["category"])

    def clean_question(self) -> str:
        return _not_blank(self.cleaned_data["question"])

    def clean_answer(self) -> str:
        return _not_blank(self.cleaned_data["answer"])

    def data_object(self) -> FaqData:
        return FaqData(**{k: self.cleaned_data[k] for k in ("category", "question", "answer")})

    @staticmethod
    def initial_for(faq: Faq) -> dict[str, Any]:
        return {"category": faq.category, "question": faq.question, "answer": faq.answer}
