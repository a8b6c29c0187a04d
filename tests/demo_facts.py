"""What tests/test_demo.py reads in a demo's home, with the ORM, in a process of the demo's own
settings and database (JINQI_HOME): `python tests/demo_facts.py [--again]` prints JSON; with
`--again` it runs `jinqi demo --no-serve` a second time and reads the counts again."""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {"accounts", "plans", "notifications", "audit", "applications", "appeals"}
    }


def facts() -> dict[str, Any]:
    from django.db.models import Count, Max

    from jinqi.appeals.models import Appeal
    from jinqi.applications.models import Application
    from jinqi.demo.plans import current_plan_code
    from jinqi.notifications.models import Notification
    from jinqi.plans.models import Measure, Plan
    from jinqi.policies.models import Policy

    measure = Measure.objects.get(plan__code=current_plan_code(), seq=65)
    return {
        "counts": _counts(),
        "current_plan": Plan.objects.filter(code=current_plan_code()).exists(),
        "application_states": sorted(set(Application.objects.values_list("state", flat=True))),
        "appeal_states": sorted(set(Appeal.objects.values_list("state", flat=True))),
        "appeal_escalated": Appeal.objects.filter(escalated_at__isnull=False).exists(),
        "appeal_rated_after_reopening": Appeal.objects.filter(
            rating__isnull=False, reopen_count__gt=0
        ).exists(),
        "measure_65_indicators": list(measure.indicator_keys),
        "awards_published": Policy.objects.filter(awards_published_at__isnull=False).exists(),
        "most_unread": Notification.objects.filter(read_at__isnull=True)
        .values("recipient")
        .annotate(n=Count("id"))
        .aggregate(Max("n"))["n__max"],
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinqi.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    read: dict[str, Any] = {"first": facts()}
    if "--again" in argv:
        stderr = io.StringIO()
        call_command("demo", "--no-serve", stdout=io.StringIO(), stderr=stderr)
        read["again_counts"] = _counts()
        read["again_stderr"] = stderr.getvalue()
    print(json.dumps(read, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
