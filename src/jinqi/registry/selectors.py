"""Reads of the registry, scoped by the acting user."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import AnyUser, Department, User
from jinqi.core import clock
from jinqi.core.models import StoredFile
from jinqi.core.permissions import has_capability
from jinqi.registry.importing.reading import IMPORT_FILE_PURPOSE
from jinqi.registry.models import (
    CorrectionRequest,
    Delivery,
    Enterprise,
    Fact,
    ImportBatch,
    Industry,
    Profile,
    fact_ref_parse,
)
from jinqi.registry.permissions import ANSWER_CORRECTIONS, OWN_RECORD, PUSH_FACTS, can_view
from jinqi.registry.profile import DATED_KEYS, dated_values
from jinqi.registry.vocabulary import (
    BY_KEY,
    CERTIFICATE_NUMBER,
    FIELDS,
    SOURCES_OFF_PLATFORM,
    VALID_UNTIL,
    ProfileField,
)


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    """The lead office and departments see every enterprise; an enterprise user only its own."""
    enterprises = Enterprise.objects.select_related("industry", "town")
    if can_view(user):
        return enterprises
    if has_capability(user, OWN_RECORD):
        return enterprises.filter(uscc=user.enterprise_uscc)
    return enterprises.none()


def enterprise_of(user: AnyUser) -> Enterprise | None:
    """The enterprise an enterprise user acts for, if the registry has its record: the linked
    record, or the one with the user's credit code while the link is not filled yet."""
    if getattr(user, "role", None) != Role.ENTERPRISE or isinstance(user, AnonymousUser):
        return None
    enterprises = Enterprise.objects.select_related("industry", "town")
    if user.enterprise_id is not None:
        return enterprises.filter(pk=user.enterprise_id).first()
    if not user.enterprise_uscc:
        return None
    return enterprises.filter(uscc=user.enterprise_uscc).first()


def enterprise_for(user: User, uscc: str) -> Enterprise:
    enterprise = enterprises_visible_to(user).filter(uscc=uscc).first()
    if enterprise is None:
        raise Http404
    return enterprise


def enterprise_search(
    user: User, *, query: str = "", town: str = "", industry: str = ""
) -> QuerySet[Enterprise]:
    enterprises = enterprises_visible_to(user)
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(uscc=query.upper()))
    if town:
        enterprises = enterprises.filter(town__code=town)
    if industry:
        enterprises = enterprises.filter(industry__code__startswith=industry.upper())
    return enterprises.order_by("name")


@dataclass
class FactGroup:
    field: ProfileField | None
    key: str
    year: int | None
    current: Fact | None
    history: list[Fact]


def enterprise_facts(enterprise: Enterprise) -> list[Fact]:
    """Every fact of the enterprise's deliveries, newest delivery first, each marked current when
    no newer delivery has its key and year."""
    deliveries = Delivery.objects.filter(enterprise=enterprise).select_related("source", "layout")
    facts: list[Fact] = []
    seen: set[str] = set()
    for delivery in deliveries.order_by("-as_of", "-id"):
        delivery.enterprise = enterprise
        given = delivery.given
        for ref, value in given.items():
            key, year = fact_ref_parse(ref)
            facts.append(Fact(delivery, key, year, value, is_current=ref not in seen))
        seen.update(given)
    return facts


def enterprise_fact(enterprise: Enterprise, delivery_id: int, ref: str) -> Fact | None:
    """One fact of one of the enterprise's deliveries, by the delivery and its reference."""
    delivery = (
        Delivery.objects.filter(enterprise=enterprise, pk=delivery_id)
        .select_related("source", "layout")
        .first()
    )
    if delivery is None or ref not in delivery.given:
        return None
    delivery.enterprise = enterprise
    return Fact(delivery, *fact_ref_parse(ref), delivery.given[ref])


def fact_groups(enterprise: Enterprise) -> list[FactGroup]:
    """Facts grouped by field and year: the current one first, older ones as history."""
    groups: dict[tuple[str, int | None], list[Fact]] = defaultdict(list)
    for fact in enterprise_facts(enterprise):
        groups[(fact.key, fact.year)].append(fact)
    result = []
    for key, year in sorted(groups, key=lambda k: (k[0], -(k[1] or 0))):
        current, *history = groups[(key, year)]  # the newest delivery's is the current one
        result.append(FactGroup(BY_KEY.get(key), key, year, current, history))
    return result


def corrections_for(user: Any) -> QuerySet[CorrectionRequest]:
    """A department sees the correction requests about facts it supplied; an enterprise its own."""
    corrections = CorrectionRequest.objects.select_related(
        "delivery__layout", "enterprise", "department"
    )
    if has_capability(user, ANSWER_CORRECTIONS):
        return corrections.filter(department_id=user.department_id)
    if has_capability(user, OWN_RECORD):
        return corrections.filter(enterprise__uscc=user.enterprise_uscc)
    return corrections.none()


def todo_corrections(user: Any) -> int | None:
    """A department: correction requests about its facts still awaiting its answer."""
    if not has_capability(user, ANSWER_CORRECTIONS):
        return None
    return corrections_for(user).filter(state=CorrectionRequest.State.OPEN).count()


def profile_dict(enterprise: Enterprise) -> dict[str, Any]:
    """The materialised profile as vocabulary key → value, with the fields derived for a date
    derived for today (age_years from the registration record, the certificate statuses)."""
    profile = Profile.objects.filter(enterprise=enterprise).first()
    values = {
        spec.key: getattr(profile, spec.key, None) if profile else None
        for spec in FIELDS
        if spec.stored
    }
    dated = dated_values({**values, "established_on": enterprise.established_on}, clock.today())
    return {
        spec.key: dated[spec.key] if spec.key in DATED_KEYS else values[spec.key] for spec in FIELDS
    }


@dataclass(frozen=True)
class CertificateStatus:
    key: str  # the status key, e.g. is_high_tech
    label: str
    held: bool | None  # today, as `profile_dict` derives it
    valid_until: dt.date | None
    number: str | None


def certificate_statuses(enterprise: Enterprise) -> list[CertificateStatus]:
    """The enterprise's certificates the registry knows anything about, with their validity."""
    values = profile_dict(enterprise)
    statuses = []
    for key, until in VALID_UNTIL.items():
        number = values.get(CERTIFICATE_NUMBER.get(key, ""))
        if values[key] is None and values[until] is None and not number:
            continue
        statuses.append(
            CertificateStatus(key, str(BY_KEY[key].label), values[key], values[until], number)
        )
    return statuses


@dataclass(frozen=True)
class SourcedValue:
    """A current profile value with who supplied it and as of when (None for derived values or
    registration data that came with no delivery)."""

    value: Any
    field: ProfileField
    source: str  # the supplying department's name, or what derives the value
    as_of: Any
    year: int | None


def profile_with_sources(enterprise: Enterprise) -> dict[str, SourcedValue]:
    """The enterprise's known profile values (None left out), each with its source and date."""
    values = profile_dict(enterprise)
    newest: dict[str, Fact] = {}
    for fact in enterprise_facts(enterprise):
        held = newest.get(fact.key)
        if fact.is_current and (held is None or (fact.year or 0) > (held.year or 0)):
            newest[fact.key] = fact
    names = source_names({spec.source for spec in FIELDS})
    result = {}
    for spec in FIELDS:
        value = values.get(spec.key)
        if value is None:
            continue
        supplied = newest.get(spec.key)
        if supplied is not None:
            result[spec.key] = SourcedValue(
                value, spec, supplied.source.name, supplied.as_of, supplied.year
            )
        else:
            result[spec.key] = SourcedValue(value, spec, names[spec.source], None, None)
    return result


def source_names(codes: Iterable[str]) -> dict[str, str]:
    """Who supplies the fields of the given sources, as people read it: the department's name,
    the platform for derived fields, and never a department's code (a source not yet on the
    platform is named by the vocabulary)."""
    wanted = set(codes)
    names = dict(Department.objects.filter(code__in=wanted).values_list("code", "name"))
    shown = {}
    for code in wanted:
        if code == "derived":
            shown[code] = str(_("computed by the platform"))
        elif code in names:
            shown[code] = names[code]
        else:
            shown[code] = _("%(name)s (not yet on the platform)") % {
                "name": SOURCES_OFF_PLATFORM.get(code, _("a department"))
            }
    return shown


def import_batches_for(user: Any) -> QuerySet[ImportBatch]:
    """The import batches of the user's own department, newest first; nobody else's."""
    department_id = getattr(user, "department_id", None)
    if not has_capability(user, PUSH_FACTS) or department_id is None:
        return ImportBatch.objects.none()
    return (
        ImportBatch.objects.filter(source_id=department_id)
        .select_related("started_by", "error_report")
        .order_by("-started_at", "-id")
    )


def import_batch_for(user: User, pk: int) -> ImportBatch:
    """One of the department's batches; another department's is a 404."""
    batch = import_batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def import_files_for(user: User) -> QuerySet[StoredFile]:
    """The files the user's department sent for import (by the page or the API)."""
    department_id = getattr(user, "department_id", None)
    if not has_capability(user, PUSH_FACTS) or department_id is None:
        return StoredFile.objects.none()
    return StoredFile.objects.filter(
        purpose=IMPORT_FILE_PURPOSE, uploaded_by__department_id=department_id
    ).order_by("-uploaded_at")


WAITING_SHOWN = 20


def imports_waiting_for(user: User) -> list[StoredFile]:
    """The department's files queued for import whose batch has not started yet."""
    started = import_batches_for(user).values("sha256")
    return list(import_files_for(user).exclude(sha256__in=started)[:WAITING_SHOWN])


REJECTIONS_SHOWN = 100


def import_rejections(batch: ImportBatch, limit: int = REJECTIONS_SHOWN) -> list[list[str]]:
    """The first rows of the batch's error report (row number, code, reason), as the department
    downloads it."""
    if batch.error_report is None:
        return []
    with batch.error_report.file.open("rb") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        rows = csv.reader(text)
        next(rows, None)  # the header: row, uscc, reason
        return [list(row) for row in itertools.islice(rows, limit)]


def enterprises_refreshed_since(moment: Any) -> QuerySet[Enterprise]:
    """Enterprises whose materialised profile changed after `moment` (facts came in)."""
    return Enterprise.objects.filter(profile__refreshed_at__gt=moment)


# -- segments of enterprises (surveys, notices to a group) ---------------------------------------


@dataclass(frozen=True)
class Segment:
    """Enterprises chosen by industry, place and size; an empty dimension means any."""

    industries: Sequence[str] = ()  # GB/T 4754 prefixes: a section letter (C) or division (C26)
    towns: Sequence[str] = ()  # codes of towns, streets and parks
    size_classes: Sequence[str] = ()  # SizeClass values


def enterprises_in_segment(segment: Segment) -> QuerySet[Enterprise]:
    """The enterprises in operation that fall in every dimension of the segment."""
    enterprises = Enterprise.objects.active()
    if segment.industries:
        prefixes = Q()
        for prefix in segment.industries:
            prefixes |= Q(industry__code__startswith=prefix.upper())
        enterprises = enterprises.filter(prefixes)
    if segment.towns:
        enterprises = enterprises.filter(town__code__in=segment.towns)
    if segment.size_classes:
        enterprises = enterprises.filter(profile__size_class__in=segment.size_classes)
    return enterprises


def segment_dimensions(enterprises: QuerySet[Enterprise]) -> list[tuple[int, str, str, str]]:
    """(id, industry section, town code, size class) of each enterprise, "" where unknown."""
    rows = enterprises.values_list("pk", "industry_id", "town__code", "profile__size_class")
    return [(pk, (ind or "")[:1], town or "", size or "") for pk, ind, town, size in rows]


def industry_sections() -> QuerySet[Industry]:
    """The GB/T 4754 sections (one letter) the registry knows."""
    return Industry.objects.filter(code__regex=r"^[A-Z]$").order_by("code")
