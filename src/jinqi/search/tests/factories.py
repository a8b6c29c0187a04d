"""Documents for search tests: service guides written through the guides services (the index
follows their saves), and policies through the policies' test factory."""

from __future__ import annotations

from typing import Any

from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import department_user
from jinqi.guides.models import ServiceGuide
from jinqi.guides.services import GuideData, guide_create


def guide(
    title: str, body: str, *, staff: User | None = None, matter: str = "测试事项"
) -> ServiceGuide:
    return guide_create(
        data=GuideData(title=title, matter=matter, body=body),
        acting_user=staff or department_user("market-regulation"),
    )


def kinds_and_titles(results: Any) -> list[tuple[str, str]]:
    return [(h.document.kind, h.document.title) for h in results.hits]
