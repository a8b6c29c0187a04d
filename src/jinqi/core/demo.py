"""Demo data steps: each feature app registers how it fills a fresh database for `jinqi demo`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    key: str
    order: int
    load: Callable[[Callable[[str], None]], None]  # receives a function to report progress
    accounts: Callable[[], list[tuple[str, str, str]]] = lambda: []  # (role, user, note)


_steps: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    _steps[step.key] = step


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: s.order)
