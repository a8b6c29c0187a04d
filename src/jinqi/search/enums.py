"""Enumerations of the search app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TermField(models.TextChoices):
    """What a Term row indexes: a word of the text, a filter value (kept as a term whose
    postings are the documents having it, so a filter is one more intersection), or a pair of
    adjacent characters of the text (the documents that can hold a quoted phrase)."""

    TEXT = "", _("text")
    KIND = "kind", _("kind")
    DEPARTMENT = "department", _("department")
    DELIVERY = "delivery", _("delivery")
    INDUSTRY = "industry", _("industry")
    BIGRAM = "bigram", _("character pair")
