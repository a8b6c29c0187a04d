"""The registry panel of the enterprise's own page: who the government thinks the enterprise
is, a few key facts with their source and date, and its open correction requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinqi.core.permissions import has_capability
from jinqi.registry import selectors
from jinqi.registry.enums import SizeClass
from jinqi.registry.models import CorrectionRequest
from jinqi.registry.permissions import OWN_RECORD

KEY_FACTS = ("revenue", "employees", "tax_credit_level", "is_high_tech", "core_ip_count")


def my_record_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not has_capability(request.user, OWN_RECORD):
        return None
    enterprise = selectors.enterprise_of(request.user)
    if enterprise is None:
        # Without a record nothing else can be matched: say so, and who registers enterprises.
        return {
            "missing": True,
            "uscc": getattr(request.user, "enterprise_uscc", ""),
            "attention": True,
        }
    sourced = selectors.profile_with_sources(enterprise)
    size = sourced.get("size_class")
    corrections = list(
        selectors.corrections_for(request.user).filter(state=CorrectionRequest.State.OPEN)[:3]
    )
    return {
        "missing": False,
        "enterprise": enterprise,
        "size_class": SizeClass(size.value).label if size else None,
        "facts": [sourced[key] for key in KEY_FACTS if key in sourced],
        "corrections": corrections,
        "badge": len(corrections),
    }
