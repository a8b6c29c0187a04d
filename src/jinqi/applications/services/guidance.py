"""智能引导 and 零材料: what the rule says before an enterprise applies, and the values the
registry already holds for the form (prefilled, never asked again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jinqi.applications.definition import Definition
from jinqi.applications.enums import Admission
from jinqi.applications.enums import ApplicationState as S
from jinqi.applications.models import Application, ApplicationForm
from jinqi.core import clock
from jinqi.policies.enums import Outcome
from jinqi.policies.models import Policy
from jinqi.policies.selectors import verdict_for
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import SourcedValue, profile_with_sources


@dataclass(frozen=True)
class Guidance:
    """智能引导: what the rule says for this enterprise, and whether it may go on to the form."""

    outcome: str
    may_apply: bool
    reason: str


def guidance(enterprise: Enterprise, policy: Policy, form: ApplicationForm | None) -> Guidance:
    today = clock.today()
    verdict = verdict_for(enterprise, policy, today)
    if form is None or not form.is_open:
        return Guidance(verdict.outcome, False, _("This policy is not taking applications now."))
    if not (
        policy.valid_from <= today and (policy.valid_until is None or today <= policy.valid_until)
    ):
        return Guidance(verdict.outcome, False, _("This policy is not in force today."))
    admitted: set[str] = {
        Admission.ELIGIBLE: {Outcome.ELIGIBLE.value},
        Admission.ELIGIBLE_OR_UNKNOWN: {Outcome.ELIGIBLE.value, Outcome.UNKNOWN.value},
        Admission.ANYONE: set(Outcome.values),
    }[Admission(form.admission)]
    if verdict.outcome in admitted:
        return Guidance(verdict.outcome, True, "")
    return Guidance(
        verdict.outcome,
        False,
        _(
            "The eligibility check finds that your enterprise does not qualify; the department "
            "accepts applications only from enterprises that do."
        ),
    )


def prefill(enterprise: Enterprise, definition: Definition) -> dict[str, SourcedValue]:
    """Registry values for the form's prefilled fields (零材料); missing ones are asked."""
    held = profile_with_sources(enterprise)
    return {f.key: held[f.prefill] for f in definition.fields if f.prefill and f.prefill in held}


def prefill_described(enterprise: Enterprise, definition: Definition) -> dict[str, Any]:
    """The prefilled values as JSON: key → {value, source, as_of} (what a submission keeps)."""
    return {
        key: {
            "value": json_value(held.value),
            "source": held.source,
            "as_of": held.as_of.isoformat() if held.as_of else None,
        }
        for key, held in prefill(enterprise, definition).items()
    }


def prefill_for(application: Application) -> dict[str, SourcedValue]:
    return prefill(application.enterprise, application.form.definition)


def json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def prefilled_values(application: Application) -> dict[str, Any]:
    """The values the registry supplies, in the answers' JSON types; the snapshot once
    submitted (a reviewer sees what the enterprise saw)."""
    if application.state != S.DRAFT and application.prefilled:
        return {k: v["value"] for k, v in application.prefilled.items()}
    return {k: json_value(v.value) for k, v in prefill_for(application).items()}
