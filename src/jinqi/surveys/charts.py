"""ECharts options for a survey's results (rendered by web/site.js from JSON, no inline script)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jinqi.surveys.enums import QuestionKind
from jinqi.surveys.results import QuestionResult, RateRow

RATING_COLOURS = ["#b7202e", "#e07b39", "#9aa3b2", "#4f8fc0", "#1f7a3f"]


def question_bar(result: QuestionResult) -> dict[str, Any]:
    """Ratings 1–5 as vertical bars (red to green); choices as horizontal bars."""
    labels = [label for label, _n in result.counts]
    values = [n for _label, n in result.counts]
    if result.question.kind == QuestionKind.RATING:
        return {
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "grid": {"left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "category", "data": labels, "name": _("Rating")},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "name": _("Enterprises"),
                    "type": "bar",
                    "data": [
                        {"value": v, "itemStyle": {"color": RATING_COLOURS[i]}}
                        for i, v in enumerate(values)
                    ],
                    "label": {"show": True, "position": "top"},
                    "barMaxWidth": 48,
                }
            ],
        }
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 32, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {
            "type": "category",
            "data": labels,
            "inverse": True,
            "axisLabel": {"width": 140, "overflow": "truncate"},
        },
        "series": [
            {
                "name": _("Enterprises"),
                "type": "bar",
                "itemStyle": {"color": "#1f4e8c"},
                "barMaxWidth": 28,
                "data": values,
                "label": {"show": True, "position": "right"},
            }
        ],
    }


def rate_bar(rows: list[RateRow]) -> dict[str, Any]:
    """Response rate (percent) by one segment dimension, with the counts in the tooltip."""
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 40, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {
            "type": "category",
            "data": [f"{r.label}（{r.responses}/{r.recipients}）" for r in rows],
            "inverse": True,
            "axisLabel": {"width": 180, "overflow": "truncate"},
        },
        "series": [
            {
                "name": _("Response rate"),
                "type": "bar",
                "itemStyle": {"color": "#c8102e"},
                "barMaxWidth": 28,
                "data": [r.rate for r in rows],
                "label": {"show": True, "position": "right", "formatter": "{c}%"},
            }
        ],
    }
