"""`jinqi demo --no-serve`: the README's set-up command, run twice like a user would."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Max

from jinqi.appeals.enums import AppealState
from jinqi.appeals.models import Appeal
from jinqi.applications.models import Application
from jinqi.demo.inboxes import UNREAD_PER_USER
from jinqi.demo.management.commands.demo import ACCOUNTS_FILE
from jinqi.demo.plans import current_plan_code
from jinqi.demo.recording import comparable, recording_path, recording_read
from jinqi.demo.steps import demo_steps
from jinqi.notifications.models import Notification
from jinqi.plans.models import Measure, Plan
from jinqi.policies.models import Policy


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {"accounts", "plans", "notifications", "audit", "applications", "appeals"}
    }


@pytest.mark.slow
@pytest.mark.sqlite_pass  # the demo is the embedded SQLite platform (ADR 0007, revised)
# Transactional: the demo's thousands of atomic blocks are real transactions, as in production;
# inside one test transaction they become savepoints, which PostgreSQL handles slowly (4×).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_sets_up_every_role_and_a_second_run_duplicates_nothing() -> None:
    """The demo loads accounts of every role, a year of the 2022 plan rolled over into this
    year's, a published award list and inboxes with a handful of unread notices; running it
    again keeps the database as it is and says the same account count."""
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=err)
    printed = out.getvalue()
    assert printed == ACCOUNTS_FILE.read_text(encoding="utf-8")
    assert len(err.getvalue().splitlines()) < 40
    for username in (
        "sysadmin",
        "secadmin",
        "auditadmin",
        "lead",
        "market-regulation",
        "enterprise",
    ):
        assert f" {username} " in printed
    first = _counts()
    assert first["plans.Measure"] == 200
    assert Plan.objects.filter(code=current_plan_code()).exists()
    assert first["plans.ProgressReport"] > 3000
    assert first["plans.UrgingNotice"] > 0 and first["plans.SupervisionEntry"] == 6
    states = set(Application.objects.values_list("state", flat=True))
    assert states >= {"draft", "submitted", "returned", "in_review", "approved", "publicity"}
    assert first["applications.PublicityBatch"] == 1
    assert first["appeals.Appeal"] == 60
    appeal_states = set(Appeal.objects.values_list("state", flat=True))
    assert appeal_states == {s.value for s in AppealState}
    assert Appeal.objects.filter(escalated_at__isnull=False).exists()
    assert Appeal.objects.filter(rating__isnull=False, reopen_count__gt=0).exists()
    measure = Measure.objects.get(plan__code=current_plan_code(), seq=65)
    assert "appeals.satisfaction_rate" in measure.indicator_keys
    assert Policy.objects.filter(awards_published_at__isnull=False).exists()
    most_unread = (
        Notification.objects.filter(read_at__isnull=True)
        .values("recipient")
        .annotate(n=Count("id"))
        .aggregate(Max("n"))["n__max"]
    )
    assert most_unread <= UNREAD_PER_USER
    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=io.StringIO(), stderr=again)
    assert _counts() == first
    accounts_line = next(line for line in err.getvalue().splitlines() if "demo accounts:" in line)
    assert accounts_line in again.getvalue()


@pytest.mark.slow
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
