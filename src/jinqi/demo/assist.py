"""Demo accompanied procedures (帮办/陪办): the rota of the district administrative service centre
and two towns' centres (leaders of the bureaus take turns, as measure 66 asks), times opened for
the past month and the next two weeks, and a month of procedures in every state — booked,
assigned, held and rated, cancelled, missed — whose difficulties became improvement items that
departments accepted, transferred, closed on time or late, or let run overdue. The statistics are
linked to plan measures 10 and 66."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.assist import services
from jinqi.assist.models import Booking, ImprovementItem, Matter, RotaEntry, ServiceWindow, Slot
from jinqi.assist.registrations import INDICATOR_KEYS
from jinqi.core import calendar, clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC
from jinqi.demo.plans import PLAN_CODE, current_plan_code
from jinqi.plans.models import Measure
from jinqi.plans.services import measure_indicators_set
from jinqi.registry.models import Enterprise

MEASURE_SEQS = (10, 66)  # 一网通办帮办; 领导干部帮办陪办
TIMES = ((dt.time(9), dt.time(10)), (dt.time(10), dt.time(11)), (dt.time(14), dt.time(15)))
# The district centre's rota: the bureau whose leader is on duty each weekday.
CENTRE_ROTA = (
    "market-regulation",
    "tax-jinshan",
    "human-resources",
    "construction",
    "gov-services",
)
TOWN_WINDOWS = ("town-zhujing", "town-fengjing")

NEEDS = (
    "第一次办理，希望有人指导材料准备。",
    "之前两次被退回，想当面弄清楚要求。",
    "外地投资人，不熟悉本地流程。",
    "涉及多个部门，希望一次办好。",
)
RECORDS = (
    "陪同企业在综合窗口完成受理，现场核对材料后一次办结。",
    "陪同办理，企业补充一份材料后当场受理。",
    "陪同企业办理，发现系统填报与窗口要求不一致，已协调当场解决。",
)
# (kind, the difficulty, the department it goes to if not the matter's, how its item ends)
DIFFICULTIES = (
    ("block", "网上申报系统与窗口要求的材料清单不一致，企业需往返两次。", None, "closed"),
    ("pain", "同一份营业执照复印件在三个环节重复提交。", None, "closed-late"),
    ("hard", "外资企业的投资人身份证明公证认证要求说明不清。", None, "in_progress"),
    ("block", "施工许可与规划许可的材料前后要求不一致。", "planning-resources", "transferred"),
    ("pain", "税务登记后发票领用需要另行预约，等待五个工作日。", None, "overdue"),
    ("hard", "社保登记的线上流程对新设企业提示不足。", None, "open"),
)
# How far each demo booking goes, cycled.
PATHS = ("held", "held", "cancelled", "held", "missed", "held", "held", "rescheduled-held")


@transaction.atomic
def demo_assist_load(report: Callable[[str], None]) -> None:
    if Booking.objects.exists():
        report("accompanied procedures already loaded; kept as they are")
        return
    firms = list(Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[:16])
    matters = list(Matter.objects.filter(active=True).select_related("department"))
    windows = _windows()
    if not firms or not matters or not windows:
        report("accompanied procedures: no enterprises, matters or windows, skipped")
        return
    now = clock.now()
    today = clock.today()
    first = today - dt.timedelta(days=30)
    for window in windows:
        staff = _staff(window.department.code)
        with clock.frozen_at(now - dt.timedelta(days=40)):
            services.slots_open(
                window=window,
                first=first,
                last=today + dt.timedelta(days=14),
                times=TIMES,
                capacity=3,
                acting_user=staff,
            )
    past = list(
        Slot.objects.filter(day__gte=first, day__lt=today).order_by("day", "starts_at", "window")
    )
    made = 0
    for index, slot in enumerate(past[::3]):
        firm = firms[index % len(firms)]
        _procedure(slot, firm, matters[index % len(matters)], PATHS[index % len(PATHS)], index, now)
        made += 1
    # A few still ahead: booked and waiting, or already assigned.
    ahead = list(Slot.objects.filter(day__gt=today).order_by("day", "starts_at")[:6])
    for index, slot in enumerate(ahead):
        user = _firm_user(firms[(index + 3) % len(firms)], index + 3)
        with clock.frozen_at(now):
            booking = services.booking_book(
                matter=matters[(index + 2) % len(matters)],
                slot=slot,
                note=NEEDS[index % len(NEEDS)],
                contact_phone="13900001234",
                acting_user=user,
            )
            if index % 2:
                _assign(booking)
        made += 1
    _link_measures()
    report(
        f"accompanied procedures: {made} bookings, "
        f"{ImprovementItem.objects.count()} improvement items"
    )


def _windows() -> list[ServiceWindow]:
    """The district centre and two towns' centres, each with its rota."""
    centre = ServiceWindow.objects.filter(department__code="admin-service-center").first()
    towns = list(ServiceWindow.objects.filter(department__code__in=TOWN_WINDOWS))
    if centre is None:
        return []
    for weekday, code in enumerate(CENTRE_ROTA):
        RotaEntry.objects.get_or_create(
            window=centre, weekday=weekday, official=_staff(code), defaults={"title": "带班领导"}
        )
    for town in towns:
        for weekday in range(5):
            RotaEntry.objects.get_or_create(
                window=town,
                weekday=weekday,
                official=_staff(town.department.code),
                defaults={"title": "分管副镇长"},
            )
    return [centre, *towns]


def _staff(code: str) -> User:
    return User.objects.get(username=code)


def _firm_user(firm: Enterprise, index: int) -> User:
    user, created = User.objects.get_or_create(
        username=f"demo-assisted-{index % 16 + 1:02d}",
        defaults={"role": Role.ENTERPRISE, "full_name": firm.name, "enterprise_uscc": firm.uscc},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _assign(booking: Booking) -> Booking:
    """The centre assigns the official the rota names for the day."""
    entry = RotaEntry.objects.filter(
        window=booking.slot.window, weekday=booking.slot.day.weekday()
    ).first()
    official = entry.official if entry else _staff(booking.slot.window.department.code)
    booking.refresh_from_db()
    return services.booking_assign(
        booking=booking,
        official=official,
        lock_version=booking.lock_version,
        acting_user=_staff(booking.slot.window.department.code),
    )


def _at(slot: Slot, *, days: int = 0, hours: float = 0) -> dt.datetime:
    start = dt.datetime.combine(slot.day, slot.starts_at, tzinfo=clock.now().tzinfo)
    return start + dt.timedelta(days=days, hours=hours)


def _procedure(
    slot: Slot, firm: Enterprise, matter: Matter, path: str, index: int, now: dt.datetime
) -> None:
    """One booking in the past month, walked as far as `path` says (never past `now`)."""
    user = _firm_user(firm, index)
    with clock.frozen_at(_at(slot, days=-3)):
        booking = services.booking_book(
            matter=matter,
            slot=slot,
            note=NEEDS[index % len(NEEDS)],
            contact_phone="13900001234",
            acting_user=user,
        )
    if path == "cancelled":
        with clock.frozen_at(_at(slot, days=-1)):
            services.booking_cancel(
                booking=booking,
                lock_version=booking.lock_version,
                text="时间冲突",
                acting_user=user,
            )
        return
    with clock.frozen_at(_at(slot, days=-2)):
        booking = _assign(booking)
    official = booking.official
    assert official is not None
    if path == "missed":
        with clock.frozen_at(_at(slot, hours=1)):
            services.booking_miss(
                booking=booking,
                text="企业未按时到场，电话联系后改为线上办理。",
                lock_version=booking.lock_version,
                acting_user=official,
            )
        return
    with clock.frozen_at(_at(slot, hours=1)):
        booking = services.booking_hold(
            booking=booking,
            record=RECORDS[index % len(RECORDS)],
            lock_version=booking.lock_version,
            acting_user=official,
        )
        if index % 2 == 0:
            _difficulty(booking, official, index // 2, now)
    if index % 3 != 2 and _at(slot, days=1) < now:
        with clock.frozen_at(_at(slot, days=1)):
            booking.refresh_from_db()
            services.booking_rate(
                booking=booking,
                rating=(5, 5, 4, 3, 5)[index % 5],
                lock_version=booking.lock_version,
                acting_user=user,
            )


def _difficulty(booking: Booking, official: User, index: int, now: dt.datetime) -> None:
    """An improvement item raised at the visit, worked by its department as `ending` says."""
    kind, text, code, ending = DIFFICULTIES[index % len(DIFFICULTIES)]
    department = Department.objects.get(code=code) if code and ending != "transferred" else None
    item = services.difficulty_record(
        booking=booking, kind=kind, description=text, department=department, acting_user=official
    )
    staff = _staff(item.department.code)
    raised = clock.now()

    def step(days: int, action: str, text: str = "", department: Department | None = None) -> None:
        moment = raised + dt.timedelta(days=days)
        if moment > now:
            return  # the demo does not act in the future: the item stays where it is
        with clock.frozen_at(moment):
            item.refresh_from_db()
            services.item_transition(
                item=item,
                action=action,
                lock_version=item.lock_version,
                text=text,
                department=department,
                acting_user=staff,
            )

    if ending in ("open", "overdue"):
        return
    step(1, "accept")
    if ending == "closed":
        step(6, "close", "已统一网上与窗口材料清单，并在办事指南中更新。")
    elif ending == "closed-late":
        step(days_past_due(item), "close", "已实现营业执照电子证照共享，不再收取复印件。")
    elif ending == "transferred":
        step(
            2,
            "transfer",
            "属规划许可材料要求，转规划资源局。",
            department=Department.objects.exclude(pk=item.department_id)
            .filter(code__in=["planning-resources", "construction"])
            .first(),
        )


def days_past_due(item: ImprovementItem) -> int:
    """Calendar days from raising to two working days past the deadline (a late closing)."""
    late = calendar.add_working_days(item.due_on, 2)
    return (late - item.raised_on).days


def _link_measures() -> None:
    """The lead office attaches the assist indicators to measures 10 and 66."""
    lead = User.objects.get(username="lead")
    for seq in MEASURE_SEQS:
        measure = (
            Measure.objects.filter(plan__code__in=[current_plan_code(), PLAN_CODE], seq=seq)
            .order_by("-plan__year")
            .first()
        )
        if measure is not None:
            keys = list(dict.fromkeys([*measure.indicator_keys, *INDICATOR_KEYS]))
            measure_indicators_set(measure=measure, keys=keys, acting_user=lead)
