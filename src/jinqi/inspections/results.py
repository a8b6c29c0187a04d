"""What a visit finds and what follows: a result per item, recorded by the department whose item
it is; a rectification with a working-day deadline for what is not compliant, reported done by
the enterprise and re-checked by the department; the enterprise's rating of the visit. Every
department of the visit sees every result (结果互认); docs/inspections.md, "Findings"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.translation import gettext as _

from jinqi.accounts.models import Department, User
from jinqi.accounts.selectors import enterprise_users
from jinqi.core import clock
from jinqi.core.calendar import add_working_days
from jinqi.core.errors import DomainError, PermissionDenied
from jinqi.inspections.enums import FindingResult, RectificationState, VisitState
from jinqi.inspections.models import Finding, InspectionItem, Rating, Rectification, Visit
from jinqi.inspections.visit_permissions import is_own_enterprise, works_for
from jinqi.inspections.visit_workflow import RECTIFICATION_WORKFLOW, VISIT_WORKFLOW, visit_items
from jinqi.notifications.services import notification_send

MAX_RECTIFICATION_DAYS = 60  # working days; a longer rectification is a plan, not a deadline
RATINGS_SHOWN_FROM = 5  # a department sees its ratings only as a mean over this many visits


@dataclass(frozen=True)
class FindingIn:
    item_code: str
    result: str
    note: str = ""
    rectification_days: int | None = None  # working days, for a non-compliant result


def _item(visit: Visit, code: str, acting_user: User) -> InspectionItem:
    for item in visit_items(visit):
        if item.code == code and item.department_id == acting_user.department_id:
            return item
    raise DomainError(
        _("Item %(code)s is not one of your department's items in this visit.") % {"code": code}
    )


def findings_record(*, visit: Visit, entries: list[FindingIn], acting_user: User) -> list[Finding]:
    """Record the results of the acting department's items, all or none: a non-compliant result
    needs a note and a rectification deadline in working days; an item has one result. The first
    results begin the visit; the enterprise is told of each rectification."""
    if not any(
        works_for(acting_user, pk) for pk in visit.tasks.values_list("department_id", flat=True)
    ):
        raise PermissionDenied(_("Only a department of the visit can do this."))
    if visit.state not in (VisitState.PLANNED, VisitState.UNDER_WAY):
        raise DomainError(
            _("Results can be recorded only while the visit is planned or under way.")
        )
    if not entries:
        raise DomainError(_("Give at least one result."))
    codes = [e.item_code for e in entries]
    if len(set(codes)) != len(codes):
        raise DomainError(_("Each item takes one result."))
    today = clock.today()
    if visit.date > today:
        raise DomainError(
            _("The visit is on %(date)s; results are recorded on or after that day.")
            % {"date": visit.date.isoformat()}
        )
    checked = [(_item(visit, e.item_code, acting_user), e) for e in entries]
    for item, entry in checked:
        if entry.result not in FindingResult.values:
            raise DomainError(_("Choose compliant, not compliant or not applicable."))
        if entry.result == FindingResult.NON_COMPLIANT:
            if not entry.note.strip():
                raise DomainError(
                    _("Say what is not compliant for item %(code)s.") % {"code": item.code}
                )
            days = entry.rectification_days
            if days is None or not 1 <= days <= MAX_RECTIFICATION_DAYS:
                raise DomainError(
                    _("Give a rectification deadline of 1 to %(max)s working days.")
                    % {"max": MAX_RECTIFICATION_DAYS}
                )
    now = clock.now()
    findings: list[Finding] = []
    try:
        with transaction.atomic():
            if visit.state == VisitState.PLANNED:
                VISIT_WORKFLOW.apply(
                    visit, "begin", lock_version=visit.lock_version, acting_user=acting_user
                )
            for item, entry in checked:
                finding = Finding.objects.create(
                    visit=visit,
                    item=item,
                    result=entry.result,
                    note=entry.note.strip(),
                    recorded_by=acting_user,
                    recorded_at=now,
                )
                findings.append(finding)
                if entry.result == FindingResult.NON_COMPLIANT:
                    assert entry.rectification_days is not None  # checked above
                    _order(finding, entry.rectification_days, acting_user)
    except IntegrityError:
        raise DomainError(_("One of these items has a result already.")) from None
    return findings


def _order(finding: Finding, days: int, acting_user: User) -> Rectification:
    rectification = Rectification.objects.create(
        finding=finding, deadline=add_working_days(clock.today(), days)
    )
    RECTIFICATION_WORKFLOW.started(rectification, "order", acting_user=acting_user)
    visit = finding.visit
    notification_send(
        recipients=enterprise_users([visit.enterprise.uscc]),
        kind="inspections.rectification",
        title=_("Rectify by %(date)s: %(item)s")
        % {"date": rectification.deadline.isoformat(), "item": finding.item.name},
        body=finding.note,
        link=reverse("inspection_visits:ledger"),
        dedup_key=f"inspections-rectification:{rectification.pk}",
    )
    return rectification


def rectification_act(
    *,
    rectification: Rectification,
    action: str,
    lock_version: int,
    text: str,
    acting_user: User,
    days: int | None = None,
) -> Rectification:
    """The enterprise reports the rectification done (`report`); the item's department re-checks
    it (`pass`, or `fail` with a new deadline in working days)."""
    today = clock.today()
    if action == "report":
        changes = {"reported_on": today, "report_text": text.strip()}
    elif action == "pass":
        changes = {
            "recheck_on": today,
            "recheck_result": FindingResult.COMPLIANT,
            "recheck_note": text.strip(),
        }
    elif action == "fail":
        if days is None or not 1 <= days <= MAX_RECTIFICATION_DAYS:
            raise DomainError(
                _("Give a new deadline of 1 to %(max)s working days.")
                % {"max": MAX_RECTIFICATION_DAYS}
            )
        changes = {
            "recheck_on": today,
            "recheck_result": FindingResult.NON_COMPLIANT,
            "recheck_note": text.strip(),
            "deadline": add_working_days(today, days),
        }
    else:
        raise DomainError(_("This action does not exist."))
    RECTIFICATION_WORKFLOW.apply(
        rectification,
        action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes=changes,
    )
    return rectification


def rectification_on_time(rectification: Rectification) -> bool | None:
    """Whether it was put right by its deadline: None while still open and not yet late."""
    done = rectification.reported_on or (
        rectification.recheck_on if rectification.state == RectificationState.PASSED else None
    )
    if rectification.state == RectificationState.PASSED and done is not None:
        return done <= rectification.deadline
    if clock.today() > rectification.deadline:
        return False
    return None


def visit_rate(*, visit: Visit, score: int, comment: str, acting_user: User) -> Rating:
    """The enterprise rates a visit once it is done, once (the database says once)."""
    if not is_own_enterprise(acting_user, visit.enterprise.uscc):
        raise PermissionDenied(_("Only the enterprise itself can do this."))
    if visit.state != VisitState.DONE:
        raise DomainError(_("A visit can be rated once it is closed."))
    if not 1 <= score <= 5:
        raise DomainError(_("Give a score from 1 to 5."))
    try:
        with transaction.atomic():
            return Rating.objects.create(
                visit=visit,
                score=score,
                comment=comment.strip(),
                rated_by=acting_user,
                rated_at=clock.now(),
            )
    except IntegrityError:
        raise DomainError(_("This visit has been rated already.")) from None


@dataclass(frozen=True)
class RatingSummary:
    visits: int
    mean: float | None  # None below RATINGS_SHOWN_FROM: too few to stay anonymous


def rating_summary(department: Department) -> RatingSummary:
    """The ratings of the visits a department took part in, as a mean only over at least
    RATINGS_SHOWN_FROM visits, so no single enterprise's rating can be read from it."""
    figures = Rating.objects.filter(
        visit__in=Visit.objects.filter(tasks__department=department)
    ).aggregate(visits=Count("pk"), mean=Avg("score"))
    visits = figures["visits"] or 0
    if visits < RATINGS_SHOWN_FROM:
        return RatingSummary(visits, None)
    return RatingSummary(visits, round(float(figures["mean"]), 2))
