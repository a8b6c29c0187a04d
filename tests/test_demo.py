"""`jinqi demo --no-serve`: the README's set-up command, run twice like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from demo_home import BuiltDemo, demo_environment

from jinqi.appeals.enums import AppealState
from jinqi.demo.inboxes import UNREAD_PER_USER
from jinqi.demo.management.commands.demo import ACCOUNTS_FILE
from jinqi.demo.recording import comparable, recording_path, recording_read
from jinqi.demo.steps import demo_steps


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.sqlite_pass  # the demo is the embedded SQLite platform (ADR 0007, revised)
def test_demo_sets_up_every_role_and_a_second_run_duplicates_nothing(
    built_demo: BuiltDemo, demo_home: Path
) -> None:
    """The demo loads accounts of every role, a year of the 2022 plan rolled over into this
    year's, a published award list and inboxes with a handful of unread notices; running it
    again keeps the database as it is and says the same account count. (The run's one build,
    `built_demo`, is the first run, in a fresh home of its own, as a newcomer runs it; the
    second runs in a copy, `demo_home`.)"""
    printed = built_demo.stdout
    assert printed == (demo_home / "var" / ACCOUNTS_FILE.name).read_text(encoding="utf-8")
    assert len(built_demo.stderr.splitlines()) < 40
    for username in (
        "sysadmin",
        "secadmin",
        "auditadmin",
        "lead",
        "market-regulation",
        "enterprise",
    ):
        assert f" {username} " in printed
    read = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("demo_facts.py")), "--again"],
        env=demo_environment(demo_home),
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    facts = json.loads(read.stdout)
    demo = facts["first"]
    first = demo["counts"]
    assert first["plans.Measure"] == 200
    assert demo["current_plan"]
    assert first["plans.ProgressReport"] > 3000
    assert first["plans.UrgingNotice"] > 0 and first["plans.SupervisionEntry"] == 6
    states = set(demo["application_states"])
    assert states >= {"draft", "submitted", "returned", "in_review", "approved", "publicity"}
    assert first["applications.PublicityBatch"] == 1
    assert first["appeals.Appeal"] == 60
    assert set(demo["appeal_states"]) == {s.value for s in AppealState}
    assert demo["appeal_escalated"]
    assert demo["appeal_rated_after_reopening"]
    assert "appeals.satisfaction_rate" in demo["measure_65_indicators"]
    assert demo["awards_published"]
    assert demo["most_unread"] <= UNREAD_PER_USER
    assert facts["again_counts"] == first
    accounts_line = next(
        line for line in built_demo.stderr.splitlines() if "demo accounts:" in line
    )
    assert accounts_line in facts["again_stderr"]


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.sqlite_pass  # a fresh SQLite demo database in a child process; no test database
def test_recordings_are_what_the_services_write(tmp_path: Path) -> None:
    """Recording the recorded demo steps again on a fresh database gives the committed
    recordings, row for row (values stamped with the wall clock aside), fingerprint included:
    what `jinqi demo` loads in bulk is what the services would write."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINQI_", "DJANGO_"))}
    env.update(
        JINQI_HOME=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DJANGO_SETTINGS_MODULE="jinqi.settings.base",
        JINQI_SECRET_KEY="recording-check",
    )
    fresh = tmp_path / "recordings"
    subprocess.run(
        [sys.executable, "-m", "jinqi", "demo", "--no-serve", "--record", "--recordings", fresh],
        env=env,
        check=True,
        capture_output=True,
        timeout=1800,
    )
    recorded = [step.key for step in demo_steps() if step.recorded]
    assert recorded
    for key in recorded:
        committed = recording_read(recording_path(key))
        again = recording_read(recording_path(key, fresh))
        assert again["fingerprint"] == committed["fingerprint"], key
        assert comparable(again["rows"]) == comparable(committed["rows"]), key
