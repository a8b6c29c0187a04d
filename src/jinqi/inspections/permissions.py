"""Who may do what with inspections."""

from __future__ import annotations

from jinqi.accounts.enums import Role
from jinqi.core.permissions import register_capabilities

# A department's own items, checklists, plans, roster and conflicts (pages and API).
MANAGE = "inspections.manage"
DRAW = "inspections.draw"  # a department draws enterprises and inspectors under its plans
TASKS = "inspections.tasks"  # a department system receives its drawn tasks (API)
APPROVE_PLANS = "inspections.approve_plans"  # the lead office approves special plans
OVERSEE = "inspections.oversee"  # the lead office: every department's, and re-runs of draws
# A plan's page and its steps, for both sides of its workflow (the workflow says who does what).
PLAN_STEPS = "inspections.plan_steps"

register_capabilities(
    {
        MANAGE: {Role.DEPARTMENT},
        DRAW: {Role.DEPARTMENT},
        TASKS: {Role.DEPARTMENT},
        APPROVE_PLANS: {Role.LEAD_OFFICE},
        OVERSEE: {Role.LEAD_OFFICE},
        PLAN_STEPS: {Role.DEPARTMENT, Role.LEAD_OFFICE},
    }
)
