"""Writes of inspections: items and checklists, plans through their workflow, the roster and
declared conflicts, draws and the tasks they give. Each service is atomic and writes its audit
row; a department writes only its own records."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.audit.enums import AuditAction
from jinqi.audit.services import audit_record
from jinqi.core import clock
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.core.locking import lock_until_commit
from jinqi.core.permissions import has_capability
from jinqi.credit.periods import period_end
from jinqi.credit.selectors import sampling_ratios
from jinqi.inspections import permissions, sampling, selectors
from jinqi.inspections.enums import PlanKind, PlanState, RiskLevel, TaskState, TriggerReason
from jinqi.inspections.models import (
    Checklist,
    ChecklistItem,
    Draw,
    InspectionItem,
    Inspector,
    InspectorConflict,
    Plan,
    Task,
)
from jinqi.inspections.workflow import PLAN_WORKFLOW
from jinqi.registry.enums import SizeClass
from jinqi.registry.models import Enterprise, Industry

INDUSTRY_PREFIX = re.compile(r"[A-T](\d{1,4})?")


def _department(user: User, capability: str) -> Department:
    """The acting user's department, when the user holds `capability` as its staff."""
    if not has_capability(user, capability) or user.department is None:
        raise PermissionDenied(_("Only a department's staff do this."))
    return user.department


def _own(user: User, department_id: int, capability: str) -> None:
    if _department(user, capability).pk != department_id:
        raise PermissionDenied(_("This belongs to another department."))


# Items ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemIn:
    code: str
    name: str
    legal_basis: str
    content: str
    standard: str
    risk_level: str = RiskLevel.MEDIUM
    no_disturb: bool = False


def _item_checked(data: ItemIn) -> None:
    if not data.code.strip() or not data.name.strip():
        raise DomainError(_("Give the item's code and name."))
    if not data.legal_basis.strip():
        raise DomainError(_("An inspection item needs its legal basis."))
    if data.risk_level not in RiskLevel.values:
        raise DomainError(_("Choose a risk level."))


@transaction.atomic
def item_save(
    *, data: ItemIn, acting_user: User, item: InspectionItem | None = None
) -> InspectionItem:
    """A department creates an item (unpublished) or changes its own; a code is its
    department's once."""
    department = _department(acting_user, permissions.MANAGE)
    _item_checked(data)
    if item is not None:
        _own(acting_user, item.department_id, permissions.MANAGE)
    lock_until_commit("inspections.item", f"{department.pk}:{data.code}")
    clash = InspectionItem.objects.filter(department=department, code=data.code.strip())
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise DomainError(_("Your department already has an item with this code."))
    now = clock.now()
    before = _item_snapshot(item) if item is not None else {}
    if item is None:
        item = InspectionItem(department=department, created_at=now)
    item.code, item.name = data.code.strip(), data.name.strip()
    item.legal_basis, item.content, item.standard = data.legal_basis, data.content, data.standard
    item.risk_level, item.no_disturb, item.updated_at = data.risk_level, data.no_disturb, now
    item.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        target=item,
        before=before,
        after=_item_snapshot(item),
    )
    return item


def _item_snapshot(item: InspectionItem) -> dict[str, object]:
    return {
        "code": item.code,
        "name": item.name,
        "legal_basis": item.legal_basis,
        "risk_level": item.risk_level,
        "no_disturb": item.no_disturb,
        "published": item.is_published,
    }


@transaction.atomic
def item_publish(*, item: InspectionItem, acting_user: User) -> InspectionItem:
    """The department publishes its item: from now on it may be inspected."""
    _own(acting_user, item.department_id, permissions.MANAGE)
    if item.is_published:
        return item
    item.is_published, item.published_at = True, clock.now()
    item.save(update_fields=["is_published", "published_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        target=item,
        before={"published": False},
        after={"published": True},
    )
    return item


@transaction.atomic
def item_receive(*, data: ItemIn, publish: bool, acting_user: User) -> tuple[InspectionItem, bool]:
    """A department system pushes an item by its code: created or updated, published if asked.
    Returns the item and whether it is new."""
    department = _department(acting_user, permissions.MANAGE)
    existing = InspectionItem.objects.filter(department=department, code=data.code.strip()).first()
    item = item_save(data=data, acting_user=acting_user, item=existing)
    if publish:
        item = item_publish(item=item, acting_user=acting_user)
    return item, existing is None


# Checklists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistIn:
    name: str
    industry_prefixes: Sequence[str]
    drafted_by: str
    description: str
    item_ids: Sequence[int]


def _prefixes_checked(prefixes: Sequence[str]) -> list[str]:
    cleaned = sorted({p.strip().upper() for p in prefixes if p.strip()})
    if not cleaned:
        raise DomainError(_("Give at least one industry code the checklist is for."))
    for prefix in cleaned:
        if not INDUSTRY_PREFIX.fullmatch(prefix) or not Industry.objects.filter(pk=prefix).exists():
            raise DomainError(
                _("“%(code)s” is not an industry code of GB/T 4754-2017.") % {"code": prefix}
            )
    return cleaned


def _usable_items(item_ids: Sequence[int]) -> list[InspectionItem]:
    """The items asked for, all published; DomainError otherwise."""
    wanted = list(dict.fromkeys(item_ids))
    found = {i.pk: i for i in InspectionItem.objects.filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise DomainError(_("Some of the chosen items do not exist."))
    unpublished = [found[pk].name for pk in wanted if not found[pk].is_published]
    if unpublished:
        raise DomainError(
            _("Only published items may be used; not yet published: %(items)s.")
            % {"items": "、".join(unpublished)}
        )
    return [found[pk] for pk in wanted]


@transaction.atomic
def checklist_save(
    *, data: ChecklistIn, acting_user: User, checklist: Checklist | None = None
) -> Checklist:
    """A department assembles a checklist (体检单) from published items of any department and
    owns it, whoever drafted it."""
    department = _department(acting_user, permissions.MANAGE)
    if checklist is not None:
        _own(acting_user, checklist.department_id, permissions.MANAGE)
    if not data.name.strip():
        raise DomainError(_("Give the checklist a name."))
    prefixes = _prefixes_checked(data.industry_prefixes)
    items = _usable_items(data.item_ids)
    if not items:
        raise DomainError(_("Choose the checklist's items."))
    lock_until_commit("inspections.checklist", f"{department.pk}:{data.name.strip()}")
    clash = Checklist.objects.filter(department=department, name=data.name.strip())
    if checklist is not None:
        clash = clash.exclude(pk=checklist.pk)
    if clash.exists():
        raise DomainError(_("Your department already has a checklist with this name."))
    now = clock.now()
    created = checklist is None
    if checklist is None:
        checklist = Checklist(department=department, created_at=now)
    checklist.name, checklist.industry_prefixes = data.name.strip(), prefixes
    checklist.drafted_by, checklist.description = data.drafted_by.strip(), data.description
    checklist.updated_at = now
    checklist.save()
    ChecklistItem.objects.filter(checklist=checklist).delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, item=item, position=n) for n, item in enumerate(items)
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        target=checklist,
        after={"name": checklist.name, "prefixes": prefixes, "items": [i.pk for i in items]},
    )
    return checklist


# Plans -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanIn:
    year: int
    kind: str
    title: str
    reason_kind: str = ""
    reason: str = ""
    description: str = ""
    item_ids: Sequence[int] = ()


@transaction.atomic
def plan_create(*, data: PlanIn, acting_user: User) -> Plan:
    """A department drafts a plan of its own published items; a triggered plan names its
    reason (complaint, appeal or lead) and says what it is."""
    department = _department(acting_user, permissions.MANAGE)
    if data.kind not in PlanKind.values:
        raise DomainError(_("Choose the kind of plan."))
    if not data.title.strip():
        raise DomainError(_("Give the plan a title."))
    if not 2000 <= data.year <= 2100:
        raise DomainError(_("Give the plan's year."))
    if data.kind == PlanKind.TRIGGERED and (not data.reason_kind or not data.reason.strip()):
        raise DomainError(
            _(
                "A triggered inspection needs its reason: a complaint, an appeal or a lead, "
                "and what it is."
            )
        )
    if data.reason_kind and data.reason_kind not in TriggerReason.values:
        raise DomainError(_("Choose the reason."))
    items = _usable_items(data.item_ids)
    if any(item.department_id != department.pk for item in items):
        raise DomainError(_("A plan uses its own department's items."))
    plan = Plan.objects.create(
        department=department,
        year=data.year,
        kind=data.kind,
        title=data.title.strip(),
        reason_kind=data.reason_kind if data.kind == PlanKind.TRIGGERED else "",
        reason=data.reason,
        description=data.description,
        created_by=acting_user,
        created_at=clock.now(),
    )
    plan.items.set(items)
    PLAN_WORKFLOW.started(plan, "draft", acting_user=acting_user)
    return plan


def plan_step(
    *, plan: Plan, action: str, lock_version: int, acting_user: User, text: str = ""
) -> Plan:
    """One step of the plan's workflow, with the dates it sets: filed, approved (and the
    publication due a month later), published."""
    today = clock.today()
    changes: dict[str, object] = {}
    if action == "file":
        changes = {"filed_on": today}
    elif action == "approve":
        changes = {
            "approved_on": today,
            "approved_by": acting_user,
            "publish_due": period_end(today, 1),
        }
    elif action == "publish":
        changes = {"published_on": today, "filed_on": today}
    step = PLAN_WORKFLOW.apply(
        plan, action, lock_version=lock_version, acting_user=acting_user, text=text, changes=changes
    )
    return step.record


def unknown_items_message(codes: Sequence[str]) -> str:
    return _("Your department has no item with the code(s) %(codes)s.") % {
        "codes": "、".join(codes)
    }


@transaction.atomic
def plan_receive(*, data: PlanIn, acting_user: User) -> Plan:
    """A department system files a plan in one call: planned and triggered plans are filed,
    a special one is submitted to the lead office."""
    plan = plan_create(data=data, acting_user=acting_user)
    action = "submit" if plan.kind == PlanKind.SPECIAL else "file"
    return plan_step(
        plan=plan, action=action, lock_version=plan.lock_version, acting_user=acting_user
    )


# Roster ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectorIn:
    name: str
    certificate_number: str
    valid_from: dt.date
    valid_to: dt.date
    user: User | None = None


@transaction.atomic
def inspector_add(*, data: InspectorIn, acting_user: User) -> Inspector:
    """A department puts a certified officer on its roster; a certificate number is listed
    once."""
    department = _department(acting_user, permissions.MANAGE)
    if not data.name.strip() or not data.certificate_number.strip():
        raise DomainError(_("Give the inspector's name and certificate number."))
    if data.valid_to < data.valid_from:
        raise DomainError(_("The certificate cannot expire before it is valid."))
    if data.user is not None and data.user.department_id != department.pk:
        raise DomainError(_("The inspector's account must be of your department."))
    lock_until_commit("inspections.inspector", data.certificate_number.strip())
    if Inspector.objects.filter(certificate_number=data.certificate_number.strip()).exists():
        raise DomainError(_("This certificate number is on a roster already."))
    inspector = Inspector.objects.create(
        department=department,
        name=data.name.strip(),
        certificate_number=data.certificate_number.strip(),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        user=data.user,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=inspector,
        after={"certificate": inspector.certificate_number},
    )
    return inspector


@transaction.atomic
def conflict_declare(
    *, inspector: Inspector, uscc: str, reason: str, acting_user: User
) -> InspectorConflict:
    """A declared conflict of interest: the inspector is never drawn for that enterprise."""
    _own(acting_user, inspector.department_id, permissions.MANAGE)
    enterprise = Enterprise.objects.filter(uscc=uscc.strip()).first()
    if enterprise is None:
        raise DomainError(_("No enterprise has this unified social credit code."))
    conflict, _created = InspectorConflict.objects.get_or_create(
        inspector=inspector,
        enterprise=enterprise,
        defaults={"reason": reason.strip(), "declared_on": clock.today()},
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=conflict,
        after={"inspector": inspector.certificate_number, "enterprise": enterprise.uscc},
    )
    return conflict


# Draws -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawIn:
    plan: Plan
    window_start: dt.date
    window_end: dt.date
    industry_prefix: str = ""
    town: Department | None = None
    size_class: str = ""
    per_enterprise: int = 2
    seed: int | None = None  # chosen at random when not given


def _ratios() -> dict[str, Decimal]:
    ratios = {r.risk_class: r.percent / 100 for r in sampling_ratios()}
    if set(ratios) != set(sampling.CLASSES):
        raise DomainError(
            _("The lead office has not set the sampling ratio of every credit class yet.")
        )
    return ratios


def _draw_checked(data: DrawIn, department: Department) -> None:
    if data.plan.department_id != department.pk or data.plan.state != PlanState.FILED:
        raise DomainError(_("A draw is made under a filed plan of your own department."))
    if data.window_end < data.window_start:
        raise DomainError(_("The window ends before it starts."))
    if data.industry_prefix and not INDUSTRY_PREFIX.fullmatch(data.industry_prefix):
        raise DomainError(
            _("“%(code)s” is not an industry code of GB/T 4754-2017.")
            % {"code": data.industry_prefix}
        )
    if data.size_class and data.size_class not in SizeClass.values:
        raise DomainError(_("Choose a size class."))
    if not 1 <= data.per_enterprise <= 10:
        raise DomainError(_("Send from one to ten inspectors to each enterprise."))


@transaction.atomic
def draw_make(*, data: DrawIn, acting_user: User) -> Draw:
    """A 双随机 draw under a filed plan: enterprises by credit class at the lead office's ratios,
    inspectors from the department's roster with a certificate valid through the window and no
    declared conflict; one task per drawn enterprise. Recorded with what a re-run needs."""
    department = _department(acting_user, permissions.DRAW)
    _draw_checked(data, department)
    population = selectors.draw_population(
        industry_prefix=data.industry_prefix,
        town_id=data.town.pk if data.town else None,
        size_class=data.size_class,
    )
    if not population:
        raise DomainError(_("No enterprise in operation matches the population chosen."))
    ratios = _ratios()
    roster = Inspector.objects.filter(
        department=department,
        is_active=True,
        valid_from__lte=data.window_start,
        valid_to__gte=data.window_end,
    )
    certificates = sorted(roster.values_list("certificate_number", flat=True))
    codes = {m.uscc for m in population}
    conflicts = sorted(
        (c, u)
        for c, u in InspectorConflict.objects.filter(inspector__in=roster).values_list(
            "inspector__certificate_number", "enterprise__uscc"
        )
        if u in codes
    )
    seed = data.seed if data.seed is not None else secrets.randbelow(2**53)
    try:
        drawn = sampling.draw(
            population,
            ratios,
            seed,
            roster=certificates,
            conflicts=conflicts,
            per_enterprise=data.per_enterprise,
        )
    except sampling.SampleRefusedError as refusal:
        raise DomainError(str(refusal)) from None
    classes = sampling.by_class(population)
    lock_until_commit("inspections.draw", department.pk)
    year = data.window_start.year
    serial = Draw.objects.filter(
        department=department, number__startswith=f"{year}-{department.pk:03d}-"
    ).count()
    draw = Draw.objects.create(
        number=f"{year}-{department.pk:03d}-{serial + 1:03d}",
        department=department,
        plan=data.plan,
        industry_prefix=data.industry_prefix,
        town=data.town,
        size_class=data.size_class,
        seed=seed,
        algorithm=sampling.ALGORITHM,
        on_date=data.window_start,
        inspectors_per_task=data.per_enterprise,
        window_start=data.window_start,
        window_end=data.window_end,
        population_hashes={c: sampling.population_hash(codes) for c, codes in classes.items()},
        ratios={c: str(r) for c, r in ratios.items()},
        class_counts={c: len(codes) for c, codes in classes.items()},
        result=[{"uscc": d.member.uscc, "inspectors": list(d.inspectors)} for d in drawn],
        result_hash=result_hash(drawn),
        population={c: codes for c, codes in classes.items()},
        roster=certificates,
        conflicts=[list(pair) for pair in conflicts],
        drawn_by=acting_user,
        drawn_at=clock.now(),
    )
    _tasks_from(draw, drawn)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        target=draw,
        after={"number": draw.number, "seed": seed, "drawn": len(drawn)},
    )
    return draw


def result_hash(drawn: Sequence[sampling.Drawn]) -> str:
    """SHA-256 of the published result: one line per enterprise, `uscc,cert;cert`, LF."""
    return sampling.population_hash([f"{d.member.uscc},{';'.join(d.inspectors)}" for d in drawn])


def _tasks_from(draw: Draw, drawn: Sequence[sampling.Drawn]) -> None:
    enterprises = dict(
        Enterprise.objects.filter(uscc__in=[d.member.uscc for d in drawn]).values_list("uscc", "pk")
    )
    inspectors = dict(
        Inspector.objects.filter(certificate_number__in=draw.roster).values_list(
            "certificate_number", "pk"
        )
    )
    now = clock.now()
    tasks = Task.objects.bulk_create(
        Task(
            department_id=draw.department_id,
            enterprise_id=enterprises[d.member.uscc],
            plan_id=draw.plan_id,
            draw=draw,
            window_start=draw.window_start,
            window_end=draw.window_end,
            state=TaskState.OPEN,
            created_at=now,
        )
        for d in drawn
    )
    items = list(draw.plan.items.values_list("pk", flat=True))
    Task.items.through.objects.bulk_create(
        Task.items.through(task_id=task.pk, inspectionitem_id=item)
        for task in tasks
        for item in items
    )
    Task.inspectors.through.objects.bulk_create(
        Task.inspectors.through(task_id=task.pk, inspector_id=inspectors[cert])
        for task, d in zip(tasks, drawn, strict=True)
        for cert in d.inspectors
    )


@dataclass(frozen=True)
class Rerun:
    """The lead office's re-run of a draw from its recorded inputs."""

    drawn: list[sampling.Drawn]
    hashes_match: bool  # the recorded population still hashes to the published hashes
    same: bool  # the re-run gives the published result


def draw_rerun(*, draw: Draw, acting_user: User) -> Rerun:
    """Re-run a draw from its recorded population, ratios, seed, roster and conflicts with its
    algorithm, and compare with what was published. Reads only; audited."""
    if not has_capability(acting_user, permissions.OVERSEE):
        raise PermissionDenied(_("Only the lead office re-runs a draw."))
    if draw.algorithm != sampling.ALGORITHM:
        raise DomainError(_("This draw was made with another version of the algorithm."))
    population = [
        sampling.Member(cls, code) for cls, codes in draw.population.items() for code in codes
    ]
    hashes_match = all(
        sampling.population_hash(draw.population.get(cls, [])) == digest
        for cls, digest in draw.population_hashes.items()
    )
    drawn = sampling.draw(
        population,
        {c: Decimal(r) for c, r in draw.ratios.items()},
        draw.seed,
        roster=draw.roster,
        conflicts=[tuple(pair) for pair in draw.conflicts],
        per_enterprise=draw.inspectors_per_task,
    )
    same = (
        result_hash(drawn) == draw.result_hash
        and [{"uscc": d.member.uscc, "inspectors": list(d.inspectors)} for d in drawn]
        == draw.result
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.READ_PERSONAL_DATA,
        target=draw,
        note=f"re-run: {'same' if same else 'different'}",
    )
    return Rerun(drawn, hashes_match, same)
