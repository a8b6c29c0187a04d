from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from jinqi.registry.masking import mask_name, mask_phone
from jinqi.registry.vocabulary import label

register = template.Library()
register.filter("mask_name", mask_name)
register.filter("mask_phone", mask_phone)


@register.filter
def fact_value(value: Any) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


register.filter("field_label", label)
