"""Writes for policies: the catalogue, rule versions, matching and the auto-grant pipeline.

Every function is atomic and writes its audit rows and notices in the same transaction.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import enterprise_users
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record, snapshot
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.gates import PAYMENT, Decision, gates_enforce
from jinqi.notifications.services import notification_send
from jinqi.policies.allocation import grant_step, places_fill
from jinqi.policies.amounts import Amount, amount_compute, amount_validate
from jinqi.policies.enums import Allocation, Delivery, GrantState, Outcome, PolicyState
from jinqi.policies.evaluation import compiled, decide, decide_all, prepared_profile
from jinqi.policies.models import Grant, Match, MatchRun, Policy, RematchMark, RuleVersion
from jinqi.policies.permissions import can_manage
from jinqi.policies.snapshot import profiles_snapshot
from jinqi.policies.workflow import (
    AWARDED,
    DEPARTMENT,
    ENTERPRISE,
    GRANT_WORKFLOW,
    POLICY_WORKFLOW,
)
from jinqi.registry.exporting import ENTERPRISE_ID, matching_export
from jinqi.registry.models import Enterprise
from jinqi.registry.rules_vocabulary import rule_validate
from jinqi.registry.selectors import enterprises_refreshed_since, profile_dict
from jinqi.rules import Rule, explain
from jinqi.rules.engines import SqlEngine, decided_rows, sql_engine
from jinqi.rules.tree import fields_used
from jinqi.rules.vector import evaluate_masks


@dataclass
class PolicyData:
    """What a department states about a policy (everything but its rule and state)."""

    code: str
    title: str
    document_number: str
    valid_from: datetime.date
    summary: str
    benefit: str
    delivery: str
    title_en: str = ""
    article: str = ""
    source_url: str = ""
    source_reprint: bool = False
    valid_until: datetime.date | None = None
    full_text: str = ""
    simplifications: str = ""
    staff_note: str = ""
    needs_confirmation: bool = False
    quota: int | None = None
    budget: Decimal | None = None
    grant_amount: Decimal | None = None
    allocation: str = Allocation.FIRST_MATCHED
    parameters: list[dict[str, Any]] | None = None
    amount_expression: str = ""
    amount_calculation: str = ""
    amount_is_estimate: bool = False
    # The application's figures (form field keys, in 万元) the amount reads; None keeps them
    # as they are (the department's edit form does not state them: the catalogue does).
    amount_answers: tuple[str, ...] | None = None
    offer_expiry_days: int | None = None
    offer_reminder_days: int = 2

    def values(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["parameters"] = values["parameters"] or []
        answers = values.pop("amount_answers")
        if answers is not None:
            values["amount_answers"] = list(answers)
        return values


def _check_manager(policy: Policy, user: User) -> None:
    if not can_manage(user, policy):
        raise PermissionDenied(_("Only the policy's own department can change it."))


@transaction.atomic
def policy_create(
    *, data: PolicyData, sql: str, department: Department, acting_user: User, shipped: bool = False
) -> Policy:
    rule_validate(sql)
    amount_validate(data.amount_expression, data.parameters or [], data.amount_answers or ())
    if data.valid_until and data.valid_until < data.valid_from:
        raise DomainError(_("The end of validity cannot be before its start."))
    if Policy.objects.filter(code=data.code).exists():
        raise DomainError(
            _("A policy with the code %(code)s exists already.") % {"code": data.code}
        )
    now = clock.now()
    policy = Policy.objects.create(
        **data.values(), department=department, shipped=shipped, created_at=now, updated_at=now
    )
    RuleVersion.objects.create(
        policy=policy, number=1, sql=sql.strip(), created_by=acting_user, created_at=now
    )
    audit_record(
        actor=acting_user, action=AuditAction.CREATE, target=policy, after=snapshot(policy)
    )
    return policy


@transaction.atomic
def policy_update(
    *, policy: Policy, data: PolicyData, acting_user: User, check: bool = True
) -> Policy:
    if check:
        _check_manager(policy, acting_user)
    if data.valid_until and data.valid_until < data.valid_from:
        raise DomainError(_("The end of validity cannot be before its start."))
    answers = policy.amount_answers if data.amount_answers is None else data.amount_answers
    amount_validate(data.amount_expression, data.parameters or [], tuple(answers))
    before = snapshot(policy)
    values = data.values()
    stated = [name for name in values if name != "code"]
    for name in stated:
        setattr(policy, name, values[name])
    policy.updated_at = clock.now()
    # Only what the department states: the state and its lock move through the workflow alone.
    policy.save(update_fields=[*stated, "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=policy,
        before=before,
        after=snapshot(policy),
    )
    return policy


@transaction.atomic
def rule_version_create(
    *, policy: Policy, sql: str, note: str, acting_user: User, check: bool = True
) -> RuleVersion:
    """A new version of the rule (the old ones stay, decisions name theirs); a published
    policy's matches are recomputed. The same text as the current version changes nothing."""
    if check:
        _check_manager(policy, acting_user)
    rule_validate(sql)
    current = policy.versions.first()
    if current is not None and current.sql.strip() == sql.strip():
        return current
    version = RuleVersion.objects.create(
        policy=policy,
        number=(current.number + 1) if current else 1,
        sql=sql.strip(),
        note=note,
        created_by=acting_user,
        created_at=clock.now(),
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=policy,
        before={"rule": current.sql if current else ""},
        after={"rule": version.sql},
        note=f"v{version.number}",
    )
    if policy.state == PolicyState.PUBLISHED:
        _policy_step(policy, "revise", acting_user, check, text=f"v{version.number}")
        matches_recompute(policy=policy)
    return version


@transaction.atomic
def policy_publish(*, policy: Policy, acting_user: User, check: bool = True) -> MatchRun:
    """Publish: the policy joins the catalogue, its matches are computed, and for 精准推送 the
    eligible enterprises are invited to apply."""
    _policy_step(policy, "publish", acting_user, check)
    run = matches_recompute(policy=policy)
    if policy.delivery == Delivery.PUSH:
        _notify_matched(policy, Outcome.ELIGIBLE)
    return run


@transaction.atomic
def policy_withdraw(*, policy: Policy, acting_user: User) -> None:
    _policy_step(policy, "withdraw", acting_user, check=True)


def _policy_step(
    policy: Policy, action: str, acting_user: User, check: bool, text: str = ""
) -> None:
    """One step of the policy workflow; `check=False` for the trusted catalogue sync and demo."""
    POLICY_WORKFLOW.apply(
        policy,
        action,
        lock_version=policy.lock_version,
        acting_user=acting_user,
        text=text,
        authorized=not check,
        changes={"updated_at": clock.now()},
    )


# -- matching ---------------------------------------------------------------------------------


@dataclass
class Decisions:
    """Who a rule does not rule out: outcome and missing data per enterprise id, and counts."""

    outcome: dict[int, str]
    missing: dict[int, list[str]]
    eligible: int
    enterprises: int


@transaction.atomic
def matches_recompute(*, policy: Policy, engine: SqlEngine | None = None) -> MatchRun:
    """Evaluate the current rule over every enterprise's profile at once and store who is
    eligible or possibly eligible; keeps the first-matched time of those who stay matched (the
    order auto-grants follow). The vectorised executor decides in this process; given an
    `engine` (over the matching export, `matches_recompute_all`), DuckDB or Spark does."""
    started = clock.now()
    version = policy.versions.first()
    assert version is not None
    rule = compiled(version.sql)
    decisions = _vector_decisions(rule) if engine is None else _engine_decisions(rule, engine)
    _store_matches(policy, version, decisions.outcome, decisions.missing, started)
    return MatchRun.objects.create(
        policy=policy,
        version=version,
        eligible=decisions.eligible,
        unknown=len(decisions.missing),
        enterprises=decisions.enterprises,
        started_at=started,
        finished_at=clock.now(),
    )


def _vector_decisions(rule: Rule) -> Decisions:
    ids, snapshot_ = profiles_snapshot(fields_used(rule.tree), clock.today())
    eligible_rows, unknown_rows = evaluate_masks(rule, snapshot_)
    outcome: dict[int, str] = {ids[i]: Outcome.ELIGIBLE for i in eligible_rows.nonzero()[0]}
    missing: dict[int, list[str]] = {}
    unknown = unknown_rows.nonzero()[0]
    # Which data is missing, from the snapshot's own rows: no query per enterprise.
    rows = snapshot_.table.take(unknown).to_pylist() if len(unknown) else []
    for index, values in zip(unknown.tolist(), rows, strict=True):
        outcome[ids[index]] = Outcome.UNKNOWN
        missing[ids[index]] = explain(rule, values).missing
    return Decisions(outcome, missing, int(eligible_rows.sum()), len(ids))


def _engine_decisions(rule: Rule, engine: SqlEngine) -> Decisions:
    rows = decided_rows(engine, rule, ENTERPRISE_ID, fields_used(rule.tree)).to_pylist()
    outcome: dict[int, str] = {}
    missing: dict[int, list[str]] = {}
    for values in rows:
        enterprise_id = values.pop(ENTERPRISE_ID)
        if values.pop("eligible"):
            outcome[enterprise_id] = Outcome.ELIGIBLE
        else:
            outcome[enterprise_id] = Outcome.UNKNOWN
            missing[enterprise_id] = explain(rule, values).missing
    return Decisions(outcome, missing, len(outcome) - len(missing), engine.rows())


_BATCH = 500  # keys per statement: SQLite allows a limited number of parameters


def _store_matches(
    policy: Policy,
    version: RuleVersion,
    outcome: dict[int, str],
    missing: dict[int, list[str]],
    now: datetime.datetime,
) -> None:
    existing = {m.enterprise_id: m for m in Match.objects.filter(policy=policy)}
    # The matches no longer decided, by key (read above, in this transaction), rather than
    # every decided enterprise in one NOT IN list (tens of thousands of parameters).
    stale = [m.pk for enterprise_id, m in existing.items() if enterprise_id not in outcome]
    for start in range(0, len(stale), _BATCH):
        Match.objects.filter(pk__in=stale[start : start + _BATCH]).delete()
    today = clock.today()
    changed, created = [], []
    for enterprise_id, result in outcome.items():
        match = existing.get(enterprise_id)
        if match is None:
            created.append((enterprise_id, result, missing.get(enterprise_id, [])))
        else:
            match.version, match.outcome, match.data_as_of = version, result, today
            match.missing, match.evaluated_at = missing.get(enterprise_id, []), now
            changed.append(match)
    _matches_insert(policy, version, created, today, now)
    Match.objects.bulk_update(
        changed, ["version", "outcome", "data_as_of", "missing", "evaluated_at"], batch_size=2000
    )


def _matches_insert(
    policy: Policy,
    version: RuleVersion,
    rows: list[tuple[int, str, list[str]]],
    today: datetime.date,
    now: datetime.datetime,
) -> None:
    """The new matches, `(enterprise id, outcome, missing)`, in one prepared INSERT executed
    per row: the rows `bulk_create` would write, without a model instance and a per-value
    preparation for each of tens of thousands of rows (the shared values are prepared once,
    each distinct list of missing data once)."""
    if not rows:
        return

    def field(name: str) -> models.Field[Any, Any]:
        found = Match._meta.get_field(name)
        assert isinstance(found, models.Field)
        return found

    shared_names = ("policy", "version", "data_as_of", "matched_at", "evaluated_at")
    names = (*shared_names, "enterprise", "outcome", "missing")
    columns = ", ".join(connection.ops.quote_name(field(name).column or "") for name in names)
    table = connection.ops.quote_name(Match._meta.db_table)
    marks = ", ".join(["%s"] * len(names))
    shared = [
        field(name).get_db_prep_save(value, connection)
        for name, value in zip(shared_names, (policy.pk, version.pk, today, now, now), strict=True)
    ]
    outcome_field, missing_field = field("outcome"), field("missing")
    prepared_missing: dict[tuple[str, ...], Any] = {}

    def missing_prepared(value: list[str]) -> Any:
        key = tuple(value)
        if key not in prepared_missing:
            prepared_missing[key] = missing_field.get_db_prep_save(value, connection)
        return prepared_missing[key]

    params = [
        (
            *shared,
            int(enterprise_id),
            outcome_field.get_db_prep_save(result, connection),
            missing_prepared(value),
        )
        for enterprise_id, result, value in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)


def enterprise_rematch(*, enterprise: Enterprise) -> int:
    """Re-evaluate one enterprise against every live policy (its facts changed); returns the
    number of policies it now matches."""
    values = profile_dict(enterprise)
    now, today = clock.now(), clock.today()
    matched = 0
    with transaction.atomic():
        policies = list(Policy.objects.live(today).prefetch_related("versions"))
        versions = [policy.versions.all()[0] for policy in policies]
        explanations = decide_all(versions, values, today)
        for policy, version, explanation in zip(policies, versions, explanations, strict=True):
            if explanation.eligible is False:
                Match.objects.filter(policy=policy, enterprise=enterprise).delete()
                continue
            matched += 1
            result = Outcome.ELIGIBLE if explanation.eligible else Outcome.UNKNOWN
            Match.objects.update_or_create(
                policy=policy,
                enterprise=enterprise,
                defaults={
                    "version": version,
                    "outcome": result,
                    "data_as_of": today,
                    "missing": explanation.missing,
                    "evaluated_at": now,
                },
                create_defaults={
                    "version": version,
                    "outcome": result,
                    "data_as_of": today,
                    "missing": explanation.missing,
                    "evaluated_at": now,
                    "matched_at": now,
                },
            )
    return matched


# Above this many changed enterprises one vectorised pass per policy beats one by one.
BULK_REMATCH = 2000


def matches_refresh_changed() -> int:
    """Re-evaluate the enterprises whose facts changed since the last call against every live
    policy (the worker runs this every few minutes); returns how many were re-evaluated."""
    now = clock.now()
    mark = RematchMark.objects.first()
    if mark is None:
        RematchMark.objects.create(checked_until=now)
        return 0
    changed = enterprises_refreshed_since(mark.checked_until)
    count = changed.count()
    if count > BULK_REMATCH:
        matches_recompute_all()
    else:
        for enterprise in changed:
            enterprise_rematch(enterprise=enterprise)
    RematchMark.objects.filter(pk=mark.pk).update(checked_until=now)
    return count


def matches_recompute_all(
    *,
    progress: Callable[[int, int], None] | None = None,
    engine: str = "vector",
    export: Path | None = None,
) -> list[MatchRun]:
    """Recompute every live policy's matches. With `engine` duckdb or spark, the profiles are
    first written to the matching export (at `export`, a path every Spark executor reads, or a
    temporary file) and the engine scans it; the matches are stored here as always."""
    policies = list(Policy.objects.live(clock.today()))
    if engine == "vector":
        return _recompute(policies, None, progress)
    with tempfile.TemporaryDirectory(prefix="jinqi-match-") as scratch:
        path = export or Path(scratch) / "profiles.parquet"
        matching_export(path, clock.today())
        with sql_engine(engine, path) as connection:
            return _recompute(policies, connection, progress)


def _recompute(
    policies: list[Policy],
    engine: SqlEngine | None,
    progress: Callable[[int, int], None] | None,
) -> list[MatchRun]:
    runs = []
    for index, policy in enumerate(policies, start=1):
        runs.append(matches_recompute(policy=policy, engine=engine))
        if progress:
            progress(index, len(policies))
    return runs


# -- the auto-grant pipeline (免申即享) -------------------------------------------------------


@transaction.atomic
def auto_grant_list_confirm(
    *, policy: Policy, acting_user: User, check: bool = True
) -> list[Grant]:
    """The department confirms the matched list: every eligible enterprise not yet in line gets
    a place in the policy's order (first matched first); as many as the quota and budget allow
    are offered the benefit (or granted it outright when nothing needs confirming), the rest
    wait for a place to free up. The enterprises are notified."""
    if check:
        _check_manager(policy, acting_user)
    if policy.delivery != Delivery.AUTO_GRANT or policy.state != PolicyState.PUBLISHED:
        raise DomainError(_("Only a published auto-grant policy has a list to confirm."))
    Policy.objects.select_for_update().filter(pk=policy.pk).first()
    in_line = set(Grant.objects.filter(policy=policy).values_list("enterprise_id", flat=True))
    last = Grant.objects.filter(policy=policy).order_by("-position").first()
    position = last.position if last else 0
    now = clock.now()
    created = []
    eligible = Match.objects.filter(policy=policy, outcome=Outcome.ELIGIBLE).select_related(
        "version"
    )
    for match in eligible.order_by("matched_at", "enterprise_id").select_related("enterprise"):
        if match.enterprise_id in in_line:
            continue
        claim = _claim(policy, match)
        if policy.pays_computed_amounts and claim.value is None:
            continue  # its amount cannot be computed yet: lined up once the data arrives
        position += 1
        grant = Grant.objects.create(
            policy=policy,
            enterprise_id=match.enterprise_id,
            version=match.version,
            data_as_of=match.data_as_of,
            position=position,
            state=GrantState.WAITING,
            amount=claim.value,
            claimed=claim.value,
            calculation=claim.calculation,
            created_at=now,
            updated_at=now,
        )
        GRANT_WORKFLOW.started(grant, "line_up", acting_user=acting_user, authorized=not check)
        created.append(grant)
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSITION,
        target=policy,
        after={"list_confirmed": len(created)},
        note="auto_grant_list_confirm",
    )
    places_fill(policy, acting_user)
    return created


def _claim(policy: Policy, match: Match) -> Amount:
    """What the enterprise is owed: the policy's computed amount for its profile today, or the
    fixed amount per grant (None when the policy states neither)."""
    if not policy.pays_computed_amounts:
        return Amount(policy.grant_amount, "")
    today = clock.today()
    version = match.version
    values = profile_dict(match.enterprise)
    explanation = decide(version, values, today)
    return amount_compute(
        expression=policy.amount_expression,
        calculation=policy.amount_calculation,
        parameters=policy.parameters,
        profile=prepared_profile(values, today),
        as_of=today,
        eligible=explanation.eligible,
    )


@transaction.atomic
def grant_confirm(*, grant: Grant, payee_account: str, acting_user: User) -> Grant:
    """意愿确认: the enterprise wants the benefit, paid into `payee_account`."""
    GRANT_WORKFLOW.authorize(grant, ENTERPRISE, acting_user)
    account = payee_account.strip()
    if not account:
        raise DomainError(_("Say which account the benefit should be paid into."))
    return grant_step(grant, "confirm", acting_user, payee_account=account)


@transaction.atomic
def grant_decline(*, grant: Grant, acting_user: User, reason: str = "") -> Grant:
    """The enterprise declines: it gets nothing, and the next one in line is offered the place."""
    GRANT_WORKFLOW.authorize(grant, ENTERPRISE, acting_user)
    grant = grant_step(grant, "decline", acting_user, text=reason[:300])
    places_fill(grant.policy, acting_user)
    return grant


def grant_disburse(*, grant: Grant, acting_user: User) -> Grant:
    """兑付: the department records the payment (or the benefit as applied), unless a decision
    gate (a credit gate) stops it; the gate is asked outside the payment's transaction so that
    its log stays when the payment is refused."""
    GRANT_WORKFLOW.authorize(grant, DEPARTMENT, acting_user)
    gates_enforce(
        Decision(
            action=PAYMENT,
            enterprise_id=grant.enterprise_id,
            subject=f"policies.grant:{grant.pk}",
            subject_label=f"{grant.policy.title} — {grant.enterprise.name}",
            department_id=acting_user.department_id,
        )
    )
    with transaction.atomic():
        return grant_step(grant, "disburse", acting_user)


@transaction.atomic
def awards_publish(*, policy: Policy, acting_user: User) -> Policy:
    """公示: the award list becomes public (a page and open data)."""
    _check_manager(policy, acting_user)
    if not Grant.objects.filter(policy=policy, state__in=AWARDED).exists():
        raise DomainError(_("There is no award to publish yet."))
    policy.awards_published_at = clock.now()
    policy.save(update_fields=["awards_published_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=policy,
        after={"awards_published_at": policy.awards_published_at.isoformat()},
        note="awards_publish",
    )
    return policy


# -- notices ----------------------------------------------------------------------------------


def _notify_matched(policy: Policy, outcome: str) -> None:
    usccs = Match.objects.filter(policy=policy, outcome=outcome).values("enterprise__uscc")
    recipients = list(enterprise_users(usccs))
    if not recipients:
        return
    notification_send(
        recipients=recipients,
        kind="policies.push",
        title=_("A policy you qualify for: %(policy)s") % {"policy": policy.title},
        body=str(policy.summary),
        link=reverse("policies:mine"),
        dedup_key=f"push:{policy.pk}",
    )
