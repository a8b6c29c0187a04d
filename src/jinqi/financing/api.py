"""The financing API: an institution's system reads an enterprise's data package under a
consent in force (its token's scope `financing.read_package` reaches nothing else)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema

from jinqi.accounts.http import AuthenticatedRequest
from jinqi.core.permissions import declares, ensure_capability
from jinqi.core.schemas import LineText
from jinqi.financing.enums import ReadChannel
from jinqi.financing.packages import package_read
from jinqi.financing.permissions import READ_PACKAGE
from jinqi.financing.schemas import PackageOut

router = Router(tags=["financing"])


class PackageQuery(Schema):
    consent: int | None = None


@router.get("/packages/{uscc}", response=PackageOut, openapi_extra=declares(READ_PACKAGE))
def package(request: AuthenticatedRequest, uscc: LineText, query: Query[PackageQuery]) -> Any:
    """The package of the enterprise `uscc` under the consent `consent`: 403 with the reason
    unless that consent is the caller's institution's, for that enterprise, and in force today
    (withdrawn, expired, not yet begun, or none at all). Every read is logged for the enterprise."""
    ensure_capability(request.user, READ_PACKAGE)
    found = package_read(
        uscc=uscc, consent_id=query.consent, channel=ReadChannel.API, acting_user=request.user
    )
    return {
        "uscc": found.uscc,
        "name": found.name,
        "consent": found.consent,
        "registration": [{"label": label, "value": value} for label, value in found.registration],
        "registration_as_of": found.registration_as_of,
        "sections": found.sections,
        "records": found.records,
        "representative": found.representative or None,
    }
