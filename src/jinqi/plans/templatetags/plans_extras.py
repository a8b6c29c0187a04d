from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jinqi.plans.enums import MeasureStatus

register = template.Library()


@register.simple_tag
def status_badge(status: str) -> SafeString:
    label = MeasureStatus(status).label if status in MeasureStatus.values else status
    return format_html('<span class="status status-{}">{}</span>', status, label)


@register.filter
def pct_class(value: int | float) -> int:
    """A percentage rounded to the 5 % steps the stylesheet has width classes for."""
    return max(0, min(100, int(round(float(value) / 5) * 5)))
