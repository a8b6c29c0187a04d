"""The shipped catalogue (`catalogue/*.toml`): real policies with their citations and boundary
cases, loaded into every install and kept in step with the files."""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.policies.enums import PolicyState
from jinqi.policies.models import Policy
from jinqi.policies.services import (
    PolicyData,
    policy_create,
    policy_publish,
    policy_update,
    rule_version_create,
)

CATALOGUE = Path(__file__).resolve().parent / "catalogue"


@dataclass(frozen=True)
class ShippedCase:
    name: str
    as_of: datetime.date
    expected: str  # "eligible" | "not_eligible" | "unknown"
    profile: dict[str, Any]
    amount: float | None = None  # the computed amount in 万元, for a policy that states one


@dataclass(frozen=True)
class ShippedPolicy:
    path: Path
    data: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.data["code"])

    @property
    def rule(self) -> str:
        return str(self.data["rule"]).strip()

    @property
    def cases(self) -> list[ShippedCase]:
        return [
            ShippedCase(
                c["name"], c["as_of"], c["expected"], dict(c.get("profile", {})), c.get("amount")
            )
            for c in self.data.get("cases", [])
        ]

    def policy_data(self) -> PolicyData:
        pipeline = self.data.get("pipeline", {})
        amount = self.data.get("amount", {})
        return PolicyData(
            code=self.code,
            title=self.data["title"],
            title_en=self.data.get("title_en", ""),
            document_number=self.data["document_number"],
            article=self.data.get("article", ""),
            source_url=self.data.get("source_url", ""),
            source_reprint=bool(self.data.get("source_reprint", False)),
            valid_from=self.data["valid_from"],
            valid_until=self.data.get("valid_until"),
            summary=self.data["summary"].strip(),
            benefit=self.data["benefit"].strip(),
            simplifications=self.data.get("simplifications", "").strip(),
            staff_note=self.data.get("staff_note", "").strip(),
            delivery=self.data["delivery"],
            needs_confirmation=bool(pipeline.get("confirmation", False)),
            offer_expiry_days=pipeline.get("offer_expiry_days"),
            amount_expression=amount.get("expression", "").strip(),
            amount_calculation=amount.get("calculation", "").strip(),
            amount_is_estimate=bool(amount.get("estimate", False)),
            amount_answers=tuple(amount.get("answers", ())),
            parameters=[
                {"name": p["name"], "from": p["from"].isoformat(), "value": p["value"]}
                for p in self.data.get("parameters", [])
            ],
        )


def shipped_policies() -> list[ShippedPolicy]:
    return [
        ShippedPolicy(path, tomllib.loads(path.read_text(encoding="utf-8")))
        for path in sorted(CATALOGUE.glob("*.toml"))
    ]


def catalogue_sync() -> int:
    """Create or update each shipped policy (a changed rule becomes a new version) and publish
    it; returns how many policies changed."""
    actor = system_user()
    changed = 0
    with transaction.atomic():
        for shipped in shipped_policies():
            data = shipped.policy_data()
            policy = Policy.objects.filter(code=shipped.code).first()
            department = Department.objects.get(code=shipped.data["department"])
            if policy is None:
                policy = policy_create(
                    data=data,
                    sql=shipped.rule,
                    department=department,
                    acting_user=actor,
                    shipped=True,
                )
                changed += 1
            else:
                current = policy.versions.first()
                if _differs(policy, data) or (current and current.sql != shipped.rule):
                    policy_update(policy=policy, data=data, acting_user=actor, check=False)
                    rule_version_create(
                        policy=policy,
                        sql=shipped.rule,
                        note=str(shipped.path.name),
                        acting_user=actor,
                        check=False,
                    )
                    changed += 1
            if policy.state == PolicyState.DRAFT:
                policy_publish(policy=policy, acting_user=actor, check=False)
    return changed


def _differs(policy: Any, data: Any) -> bool:
    for name, value in data.values().items():
        current = getattr(policy, name)
        if isinstance(current, Decimal) and value is not None:
            value = Decimal(str(value))
        if current != value:
            return True
    return False


def sync_after_migrate(sender: Any, plan: Any = None, **kwargs: Any) -> None:
    # `flush` sends post_migrate too (plan None): it has just emptied the tables, departments
    # included, and the next migrate or test set-up loads the catalogue again.
    if plan is None:
        return
    catalogue_sync()
