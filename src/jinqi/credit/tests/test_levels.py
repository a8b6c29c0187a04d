"""Table tests of the tax credit level at every threshold."""

from __future__ import annotations

import pytest
from django.utils import translation

from jinqi.credit.levels import tax_level


@pytest.mark.parametrize(
    ("score", "flags", "level"),
    [
        (100, {}, "A"),
        (90, {}, "A"),
        (89, {}, "B"),
        (70, {}, "B"),
        (69, {}, "C"),
        (40, {}, "C"),
        (39, {}, "D"),
        (0, {}, "D"),
        (95, {"direct_d": True}, "D"),
        (95, {"direct_d": True, "new_entity": True}, "D"),
        (10, {"new_entity": True}, "M"),
        (95, {"new_entity": True}, "M"),
        (70, {"no_revenue": True}, "M"),
        (95, {"no_revenue": True}, "M"),
        (69, {"no_revenue": True}, "C"),
        (39, {"no_revenue": True}, "D"),
    ],
)
def test_tax_level(score: int, flags: dict[str, bool], level: str) -> None:
    """Direct D first, then M for new entities and revenue-less scores from 70, then thresholds."""
    assert tax_level(score, **flags) == level


@pytest.mark.parametrize("score", [-1, 101, 89.5, True, "90"])
def test_a_score_outside_0_to_100_is_refused(score: object) -> None:
    """Only whole numbers from 0 to 100 are scores."""
    with translation.override("en"), pytest.raises(ValueError, match="0 to 100"):
        tax_level(score)  # type: ignore[arg-type]
