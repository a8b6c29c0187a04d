"""The demo, built once per test run for the tests that read or serve it (tests/conftest.py's
`built_demo` and `demo_home`)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltDemo:
    """`jinqi demo --no-serve` run once in a fresh home (JINQI_HOME), as a newcomer runs it:
    its exit status and what it printed."""

    home: Path
    returncode: int
    stdout: str
    stderr: str


def demo_environment(home: Path) -> dict[str, str]:
    """The environment of a `jinqi` process in its own home: the demo's own settings and SQLite
    database, whatever the test run has set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINQI_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(JINQI_HOME=str(home), PYTHONUNBUFFERED="1")
    return env


def build_once(root: Path) -> BuiltDemo:
    """The demo in root/demo-home, built by the first caller, under a lock in root, and read by
    the others (processes of one test run sharing root)."""
    home, result = root / "demo-home", root / "demo-home.json"
    with (root / "demo-home.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            shutil.rmtree(home, ignore_errors=True)  # a build that was killed half-way
            home.mkdir()
            done = subprocess.run(
                [sys.executable, "-m", "jinqi", "demo", "--no-serve"],
                cwd=REPO,
                env=demo_environment(home),
                capture_output=True,
                text=True,
                timeout=1800,
                check=False,
            )
            built = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
            result.write_text(json.dumps(built), encoding="utf-8")
    built = json.loads(result.read_text(encoding="utf-8"))
    return BuiltDemo(home, built["returncode"], built["stdout"], built["stderr"])
