"""The data-exchange API of the registry: department systems push facts and read profiles;
enterprises read their own record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.errors import DomainError
from jinqi.core.permissions import declares, ensure_capability, has_capability
from jinqi.registry import selectors, services
from jinqi.registry.masking import mask_name, mask_phone
from jinqi.registry.models import Enterprise, Fact
from jinqi.registry.permissions import OWN_RECORD, PUSH_FACTS, READ_PROFILES, READ_RECORD, VIEW
from jinqi.registry.schemas import (
    EnterpriseOut,
    FactOut,
    FactsIn,
    FactsOut,
    ImportOut,
    ImportQueuedOut,
    MaskedEnterpriseOut,
)

router = Router(tags=["registry"])


def _enterprise_out(enterprise: Enterprise, *, unmasked: bool) -> EnterpriseOut:
    return EnterpriseOut(
        uscc=enterprise.uscc,
        name=enterprise.name,
        status=enterprise.status,
        established_on=enterprise.established_on,
        registered_capital=(
            float(enterprise.registered_capital)
            if enterprise.registered_capital is not None
            else None
        ),
        enterprise_type=enterprise.enterprise_type,
        industry_code=enterprise.industry_id,
        town=enterprise.town.code if enterprise.town else None,
        registered_address=enterprise.registered_address,
        legal_representative=(
            enterprise.legal_representative
            if unmasked
            else mask_name(enterprise.legal_representative)
        ),
        contact_person=(
            enterprise.contact_person if unmasked else mask_name(enterprise.contact_person)
        ),
        contact_phone=enterprise.contact_phone
        if unmasked
        else mask_phone(enterprise.contact_phone),
    )


@router.get("/enterprises", response=list[MaskedEnterpriseOut], openapi_extra=declares(VIEW))
@paginate
def enterprises_list(
    request: AuthenticatedRequest, q: str = "", town: str = "", industry: str = ""
) -> QuerySet[Enterprise]:
    """Enterprises with personal data masked; filter by name or code, town and industry prefix."""
    ensure_capability(request.user, VIEW)
    return selectors.enterprise_search(request.user, query=q, town=town, industry=industry)


@router.get("/enterprises/{uscc}", response=EnterpriseOut, openapi_extra=declares(READ_RECORD))
def enterprise_get(request: AuthenticatedRequest, uscc: str) -> EnterpriseOut:
    """One enterprise: masked for departments and the lead office; the enterprise itself reads
    its own record unmasked, and that reading is audited."""
    ensure_capability(request.user, READ_RECORD)
    own = has_capability(request.user, OWN_RECORD)
    enterprise = selectors.enterprise_for(request.user, uscc)
    if own:
        services.personal_data_read(
            enterprise=enterprise, acting_user=request.user, purpose="API own record"
        )
    return _enterprise_out(enterprise, unmasked=own)


@router.get(
    "/enterprises/{uscc}/profile", response=dict[str, Any], openapi_extra=declares(READ_PROFILES)
)
def profile_get(request: AuthenticatedRequest, uscc: str) -> dict[str, Any]:
    """The enterprise's materialised profile, keyed by the profile vocabulary."""
    ensure_capability(request.user, READ_PROFILES)
    enterprise = selectors.enterprise_for(request.user, uscc)
    return selectors.profile_dict(enterprise)


@router.post("/facts", response={201: FactsOut}, openapi_extra=declares(PUSH_FACTS))
def facts_push(request: AuthenticatedRequest, data: FactsIn) -> Status[FactsOut]:
    """A department system records facts about one enterprise, as of a date, as the caller's
    department (send an Idempotency-Key so a retry records nothing twice)."""
    ensure_capability(request.user, PUSH_FACTS)
    department = getattr(request.user, "department", None)
    if department is None:
        raise DomainError(_("Only a department's account can push facts."))
    enterprise = Enterprise.objects.filter(uscc=data.uscc).first()
    if enterprise is None:
        raise Http404
    recorded = services.facts_record(
        enterprise=enterprise,
        facts=[services.FactIn(f.key, f.value, f.year) for f in data.facts],
        source=department,
        as_of=data.as_of,
        acting_user=request.user,
    )
    return Status(201, FactsOut(uscc=enterprise.uscc, recorded=[_fact_out(f) for f in recorded]))


def _fact_out(fact: Fact) -> FactOut:
    return FactOut(
        key=fact.key,
        year=fact.year,
        value=fact.value,
        source=fact.source.code,
        as_of=fact.as_of,
        is_current=bool(fact.is_current),  # facts_record works it out for each fact
    )


@router.post("/imports", response={202: ImportQueuedOut}, openapi_extra=declares(PUSH_FACTS))
def import_file(
    request: AuthenticatedRequest, file: File[UploadedFile], as_of: Form[dt.date | None] = None
) -> Status[ImportQueuedOut]:
    """Queue a file of enterprises and facts (CSV in UTF-8 or GBK, XLSX or Parquet, checked by
    content) for import as the caller's department. A file that cannot be imported at all is
    refused at once; otherwise follow `status_url`. Sending the same file again continues an
    interrupted import and never imports twice."""
    ensure_capability(request.user, PUSH_FACTS)
    stored = services.import_file_queue(file=file, as_of=as_of, acting_user=request.user)
    return Status(
        202,
        ImportQueuedOut(
            sha256=stored.sha256,
            file_name=stored.original_name,
            status_url=f"/api/v1/registry/imports/{stored.sha256}",
        ),
    )


@router.get("/imports/{sha256}", response=ImportOut, openapi_extra=declares(PUSH_FACTS))
def import_status(request: AuthenticatedRequest, sha256: str) -> ImportOut:
    """Where the import of a file sent by the caller's department stands."""
    ensure_capability(request.user, PUSH_FACTS)
    batch = selectors.import_batches_for(request.user).filter(sha256=sha256).first()
    if batch is None:
        stored = selectors.import_files_for(request.user).filter(sha256=sha256).first()
        if stored is None:
            raise Http404
        return ImportOut(file_name=stored.original_name, state="queued", error_report=None)
    return ImportOut(
        batch=batch.pk,
        file_name=batch.file_name,
        state=batch.state,
        rows=batch.rows_total,
        done=batch.rows_done,
        rejected=batch.rows_rejected,
        error_report=(
            reverse("core:file_download", args=[batch.error_report.uuid])
            if batch.error_report
            else None
        ),
    )
