"""Live indicators: any app contributes figures that plan measures and dashboards can show.

An app registers an indicator in its `AppConfig.ready()`; the plans console looks indicators up by
key, so the core never needs to know which app computes what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str | Promise
    unit: str | Promise
    compute: Callable[[], float | int | None]


_indicators: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    if indicator.key in _indicators and _indicators[indicator.key] != indicator:
        raise ValueError(f"indicator {indicator.key!r} registered twice")
    _indicators[indicator.key] = indicator


def all_indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: i.key)


def indicator(key: str) -> Indicator | None:
    return _indicators.get(key)


@dataclass(frozen=True)
class Reading:
    indicator: Indicator
    value: float | int | None


def readings(keys: list[str] | None = None) -> list[Reading]:
    """Current values of the given indicators (all of them without keys); unknown keys skipped."""
    chosen = all_indicators() if keys is None else [i for k in keys if (i := indicator(k))]
    return [Reading(i, i.compute()) for i in chosen]
