"""ECharts options for the statistics page (rendered by web/site.js from JSON, no inline script)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jinqi.appeals.statistics import Figures


def rates_bar(rows: list[Figures]) -> dict[str, Any]:
    """The three 接诉即办 rates per department, side by side (the 15 busiest departments)."""
    shown = [r for r in rows if r.department is not None][:15]
    series = (
        (pgettext("appeals", "Response rate"), "#1f4e8c", [r.response_rate for r in shown]),
        (_("Resolution rate"), "#1f7a3f", [r.resolution_rate for r in shown]),
        (_("Satisfaction rate"), "#c8891a", [r.satisfaction_rate for r in shown]),
    )
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {
            "type": "category",
            "data": [r.department.name for r in shown if r.department is not None],
            "inverse": True,
            "axisLabel": {"width": 120, "overflow": "truncate"},
        },
        "series": [
            {"name": name, "type": "bar", "itemStyle": {"color": colour}, "data": data}
            for name, colour, data in series
        ],
    }
