"""The demo's steps, in the order `jinqi demo` runs them: each fills a fresh database with one
app's demo data (and says which demo accounts it made). Loading twice keeps what is there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jinqi.demo.accounts import demo_accounts, demo_accounts_load
from jinqi.demo.appeals import demo_appeals_load
from jinqi.demo.applications import demo_applications_load
from jinqi.demo.awards import demo_awards_load
from jinqi.demo.credit import demo_credit_load
from jinqi.demo.guides import demo_guides_load
from jinqi.demo.inboxes import demo_inboxes_settle
from jinqi.demo.inspection_visits import demo_inspection_visits_load
from jinqi.demo.inspections import demo_inspections_load
from jinqi.demo.plans import demo_plan_load
from jinqi.demo.policies import demo_policies_load
from jinqi.demo.registry import demo_registry_load
from jinqi.demo.search import demo_search_index
from jinqi.demo.surveys import demo_surveys_load


@dataclass(frozen=True)
class DemoStep:
    key: str
    load: Callable[[Callable[[str], None]], None]  # receives a function to report progress
    accounts: Callable[[], list[tuple[str, str, str]]] = lambda: []  # (role, user, note)


# Accounts first (everything else names them), the registry before what is matched against it,
# the inboxes settled once every notice is sent, search last: the index is rebuilt once from
# every app's demo content.
STEPS: tuple[DemoStep, ...] = (
    DemoStep("accounts", demo_accounts_load, demo_accounts),
    DemoStep("registry", demo_registry_load),
    DemoStep("policies", demo_policies_load),
    DemoStep("awards", demo_awards_load),
    DemoStep("applications", demo_applications_load),
    DemoStep("guides", demo_guides_load),
    DemoStep("plans", demo_plan_load),
    DemoStep("surveys", demo_surveys_load),
    DemoStep("appeals", demo_appeals_load),
    DemoStep("credit", demo_credit_load),
    DemoStep("inspections", demo_inspections_load),
    DemoStep("inspection_visits", demo_inspection_visits_load),
    DemoStep("inboxes", demo_inboxes_settle),
    DemoStep("search", demo_search_index),
)


def demo_steps() -> list[DemoStep]:
    return list(STEPS)
