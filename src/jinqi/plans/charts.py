"""ECharts options for the dashboards (rendered by web/site.js from JSON, no inline script)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jinqi.plans.enums import MeasureStatus
from jinqi.plans.selectors import Breakdown, Timeliness

STATUS_COLOURS = {
    MeasureStatus.COMPLETED: "#1f7a3f",
    MeasureStatus.IN_PROGRESS: "#1f4e8c",
    MeasureStatus.BLOCKED: "#b7202e",
    MeasureStatus.NOT_STARTED: "#9aa3b2",
}


def stacked_bar(rows: list[Breakdown]) -> dict[str, Any]:
    labels = [r.label for r in rows]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 16, "top": 8, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {
            "type": "category",
            "data": labels,
            "inverse": True,
            "axisLabel": {"width": 150, "overflow": "truncate"},
        },
        "series": [
            {
                "name": str(status.label),
                "type": "bar",
                "stack": "total",
                "itemStyle": {"color": STATUS_COLOURS[status]},
                "data": [r.counts.get(status, 0) for r in rows],
            }
            for status in MeasureStatus
        ],
    }


def status_pie(summary: dict[str, int]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "data": [
                    {
                        "name": str(s.label),
                        "value": summary.get(s, 0),
                        "itemStyle": {"color": STATUS_COLOURS[s]},
                    }
                    for s in MeasureStatus
                ],
            }
        ],
    }


def timeliness_bar(rows: list[Timeliness]) -> dict[str, Any]:
    shown = [r for r in rows if r.expected][:15]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 16, "top": 8, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r.department.name for r in shown], "inverse": True},
        "series": [
            {
                "name": _("On time"),
                "type": "bar",
                "stack": "t",
                "itemStyle": {"color": "#1f7a3f"},
                "data": [r.on_time for r in shown],
            },
            {
                "name": _("Late"),
                "type": "bar",
                "stack": "t",
                "itemStyle": {"color": "#b36b00"},
                "data": [r.late for r in shown],
            },
            {
                "name": _("Missing"),
                "type": "bar",
                "stack": "t",
                "itemStyle": {"color": "#b7202e"},
                "data": [r.missing for r in shown],
            },
        ],
    }
