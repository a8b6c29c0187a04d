"""`jinqi credit repair-date` and `jinqi credit tax-level` as documented in docs/credit.md."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("credit", *args, stdout=out)
    return out.getvalue().strip()


def test_repair_date_prints_the_issue_example() -> None:
    """The issue's example: general, 2025-03-10, fulfilled 2025-04-01 → 2025-06-11, 2026-03-11."""
    answer = json.loads(
        run(
            "repair-date",
            "--class",
            "general",
            "--decided",
            "2025-03-10",
            "--fulfilled",
            "2025-04-01",
        )
    )
    assert answer == {
        "class": "general",
        "earliest_repair": "2025-06-11",
        "takedown": "2026-03-11",
        "basis": "国务院办公厅《关于进一步完善信用修复制度的实施方案》（国办发〔2025〕22号）",
    }


def test_repair_date_is_null_until_fulfilled() -> None:
    """Without a fulfilment date there is no repair day; the take-down day is still given."""
    answer = json.loads(run("repair-date", "--class", "serious", "--decided", "2024-02-29"))
    assert answer["earliest_repair"] is None
    assert answer["takedown"] == "2027-03-01"


def test_repair_date_applies_22_to_old_decisions() -> None:
    """The command applies 22号's periods whatever the decision date (serious: one year)."""
    answer = json.loads(
        run(
            "repair-date",
            "--class",
            "serious",
            "--decided",
            "2019-01-31",
            "--fulfilled",
            "2019-02-01",
        )
    )
    assert answer["earliest_repair"] == "2020-02-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--class", "general", "--decided", "2025-02-30"), "is not a date"),
        (("--class", "general", "--decided", "2025-03-10", "--fulfilled", "2025-03-09"),
         "before the decision"),
        (("--class", "grave", "--decided", "2025-03-10"), "invalid choice"),
    ],
)  # fmt: skip
def test_repair_date_refuses_bad_input(args: tuple[str, ...], message: str) -> None:
    """An invalid date, a fulfilment before the decision or an unknown class is refused."""
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("credit", "repair-date", *args, stdout=io.StringIO())


def test_tax_level_prints_the_letter_alone() -> None:
    """The level is printed as its letter, nothing else."""
    assert run("tax-level", "--score", "90") == "A"
    assert run("tax-level", "--score", "75", "--no-revenue") == "M"
    assert run("tax-level", "--score", "95", "--direct-d") == "D"
    assert run("tax-level", "--score", "10", "--new-entity") == "M"


@pytest.mark.parametrize("value", ["101", "-1", "89.5", "九十", ""])
def test_tax_level_refuses_what_is_not_a_score(value: str) -> None:
    """Anything but a whole number from 0 to 100 is refused."""
    with translation.override("en"), pytest.raises(CommandError, match="is not a score"):
        call_command("credit", "tax-level", "--score", value, stdout=io.StringIO())


def test_refusal_on_the_command_line_exits_non_zero() -> None:
    """From the shell, a refusal prints one Chinese line and exits non-zero."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinqi.settings.test"}
    finished = subprocess.run(
        [sys.executable, "-m", "jinqi", "credit", "repair-date", "--class", "general",
         "--decided", "2025-03-10", "--fulfilled", "2025-03-01"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode != 0
    assert finished.stdout == ""
    assert "不得早于" in finished.stderr or "before the decision" in finished.stderr
