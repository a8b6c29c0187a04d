"""`jinqi demo --no-serve`: the README's set-up command, run twice like a user would."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from jinqi.appeals.enums import AppealState
from jinqi.appeals.models import Appeal
from jinqi.applications.models import Application
from jinqi.plans.models import Measure


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {"accounts", "plans", "notifications", "audit", "applications", "appeals"}
    }


@pytest.mark.slow
# Transactional: the demo's thousands of atomic blocks are real transactions, as in production;
# inside one test transaction they become savepoints, which PostgreSQL handles slowly (4×).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_sets_up_every_role_and_a_second_run_duplicates_nothing() -> None:
    """The demo loads accounts of every role and a year of the 2022 plan; running it again keeps
    the database as it is."""
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=io.StringIO())
    printed = out.getvalue()
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
    assert first["plans.Measure"] == 100
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
    measure = Measure.objects.get(plan__code="jinshan-2022", seq=65)
    assert "appeals.satisfaction_rate" in measure.indicator_keys
    call_command("demo", "--no-serve", stdout=io.StringIO(), stderr=io.StringIO())
    assert _counts() == first
