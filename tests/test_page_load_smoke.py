"""The page benchmark's smoke run: the demo served by gunicorn with its worker, a few seconds of
the load mix; any 5xx, unanswered request or page over 5 s fails (benchmarks/page_load.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.long
def test_the_load_mix_is_served_without_server_errors_or_slow_pages(demo_home: Path) -> None:
    """Every page of the mix answers under load, as each role, within five seconds. (In a copy
    of the run's one demo build: `jinqi demo` finds its data loaded and serves it.)"""
    result = subprocess.run(
        [sys.executable, "benchmarks/page_load.py", "--smoke", "--home", str(demo_home)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for page in ("catalogue", "/me/", "lead dashboard", "registry list", "login page (ceiling)"):
        assert page in result.stdout
