"""The demo's steps, in the order `jinqi demo` runs them: each fills a fresh database with one
app's demo data (and says which demo accounts it made). Loading twice keeps what is there.

A step whose data does not depend on the demo clock may be `recorded`: `jinqi demo --record`
runs it through the services once and keeps the rows it wrote in `demo/recordings/`, and `jinqi
demo` inserts them in bulk instead (demo/recording.py; docs/demo.md says when to record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jinqi.demo.accounts import demo_accounts, demo_accounts_load
from jinqi.demo.appeals import demo_appeals_load
from jinqi.demo.applications import demo_applications_load
from jinqi.demo.assist import demo_assist_load
from jinqi.demo.awards import demo_awards_load
from jinqi.demo.credit import demo_credit_load
from jinqi.demo.financing import demo_financing_accounts, demo_financing_load
from jinqi.demo.guides import demo_guides_load
from jinqi.demo.inboxes import demo_inboxes_settle
from jinqi.demo.inspection_visits import demo_inspection_visits_load
from jinqi.demo.inspections import demo_inspections_load
from jinqi.demo.legalcheck import demo_legalcheck_load
from jinqi.demo.plans import demo_plan_history_load, demo_plan_roll_over
from jinqi.demo.policies import demo_policies_load
from jinqi.demo.providers import demo_provider_accounts, demo_providers_load
from jinqi.demo.recording import step_replay_or_run
from jinqi.demo.registry import demo_registry_load
from jinqi.demo.search import demo_search_index
from jinqi.demo.surveys import demo_surveys_load


@dataclass(frozen=True)
class DemoStep:
    key: str
    load: Callable[[Callable[[str], None]], None]  # receives a function to report progress
    accounts: Callable[[], list[tuple[str, str, str]]] = lambda: []  # (role, user, note)
    # Clock-independent data, replayed from demo/recordings/<key>.json.gz when it fits.
    recorded: bool = False

    def run(self, report: Callable[[str], None]) -> None:
        if self.recorded:
            step_replay_or_run(self.key, self.load, report)
        else:
            self.load(report)


# Accounts first (everything else names them), then the recorded steps (a recording fits only
# the database it was made on, so the fewer steps before it the better), the registry before
# what is matched against it, the inboxes settled once every notice is sent, search last: the
# index is rebuilt once from every app's demo content.
STEPS: tuple[DemoStep, ...] = (
    DemoStep("accounts", demo_accounts_load, demo_accounts),
    DemoStep("plan-2022", demo_plan_history_load, recorded=True),
    DemoStep("registry", demo_registry_load),
    DemoStep("policies", demo_policies_load),
    DemoStep("awards", demo_awards_load),
    DemoStep("applications", demo_applications_load),
    DemoStep("guides", demo_guides_load),
    DemoStep("plans", demo_plan_roll_over),
    DemoStep("surveys", demo_surveys_load),
    DemoStep("appeals", demo_appeals_load),
    DemoStep("credit", demo_credit_load),
    DemoStep("providers", demo_providers_load, demo_provider_accounts),
    DemoStep("legalcheck", demo_legalcheck_load),
    DemoStep("financing", demo_financing_load, demo_financing_accounts),
    DemoStep("assist", demo_assist_load),
    DemoStep("inspections", demo_inspections_load),
    DemoStep("inspection_visits", demo_inspection_visits_load),
    DemoStep("inboxes", demo_inboxes_settle),
    DemoStep("search", demo_search_index),
)


def demo_steps() -> list[DemoStep]:
    return list(STEPS)
