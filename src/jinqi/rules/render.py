"""A condition as people read it (derived fields by name), for explanations and the UI."""

from __future__ import annotations

from jinqi.rules.sql import to_display_expression
from jinqi.rules.tree import Node


def render(node: Node) -> str:
    return to_display_expression(node).sql(dialect="postgres")
