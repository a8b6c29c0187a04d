"""The auto-grant (免申即享) workflow: 比对 → 推送 → 意愿确认 → 兑付 → 公示, declared once.

A grant starts WAITING (no free place under the quota or budget), OFFERED (the enterprise must
confirm it wants the benefit and where it should be paid) or GRANTED (nothing to confirm, e.g. a
tax exemption). Only the transitions below exist; `grant_transition` in services enforces them.
"""

from __future__ import annotations

from jinqi.policies.enums import GrantState as S

START = ""

TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (START, S.WAITING),
        (START, S.OFFERED),
        (START, S.GRANTED),
        (S.WAITING, S.OFFERED),  # a place freed up (someone declined)
        (S.WAITING, S.GRANTED),
        (S.OFFERED, S.CONFIRMED),  # by the enterprise
        (S.OFFERED, S.DECLINED),  # by the enterprise
        (S.CONFIRMED, S.DISBURSED),  # by the department
        (S.GRANTED, S.DISBURSED),
    }
)

# States that hold a place under the quota or budget.
HOLDING = frozenset({S.OFFERED, S.CONFIRMED, S.GRANTED, S.DISBURSED})
# States published in the award list (公示).
AWARDED = frozenset({S.CONFIRMED, S.GRANTED, S.DISBURSED})


def allowed(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS
