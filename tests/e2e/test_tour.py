"""Every main page of every role, in a real browser, at 1366 px and on a 390 px phone: the page
never scrolls sideways (tables scroll in a box of their own or become cards), axe-core finds
nothing critical or serious, and each page is photographed for people to look at.

The main pages are the role's menu (read from the page, so a new menu entry is toured without
touching this file) and the detail pages of the role's daily work (TOUR_DETAILS). The
photographs go to test-artifacts/screenshots/tour/ (not committed; the best are copied to
docs/screenshots/ by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from surface import ANONYMOUS, ROLES, URL_KWARGS, World, build_world

from jinqi.accounts.enums import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.long,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_WIDTH = 390
# axe-core's impact levels this project does not tolerate on any page.
BLOCKING_IMPACTS = frozenset({"critical", "serious"})

# The detail pages of each role's daily work, beyond its menu (URL names; their sample
# arguments come from tests/surface.py, the authorization walk's world).
TOUR_DETAILS: dict[str, tuple[str, ...]] = {
    ANONYMOUS: (
        "web:home",
        "accounts:login",
        "plans:public_progress",
        "policies:detail",
        "policies:awards",
        "applications:publicity",
        "applications:batch",
        "providers:provider",
        "providers:apply",
    ),
    Role.ENTERPRISE: (
        "web:portal",
        "policies:mine",
        "policies:awards",  # builds the enterprise's 免申即享 offer shown on policies:mine
        "applications:detail",
        "appeals:detail",
        "registry:mine",
        "providers:need",
    ),
    Role.DEPARTMENT: (
        "plans:measure_detail",
        "plans:report_edit",
        "plans:report_detail",
        "plans:urging_detail",
        "policies:edit",
        "policies:matches",
        "applications:review_detail",
        "applications:batch_manage",
        "applications:form_edit",
        "appeals:handle",
        "registry:detail",
        "registry:import_detail",
        "guides:guide_edit",
    ),
    Role.LEAD_OFFICE: (
        "plans:dashboard",
        "plans:ledger",
        "plans:measure_detail",
        "plans:report_detail",
        "plans:urging_detail",
        "appeals:statistics",
        "surveys:detail",
    ),
    Role.PROVIDER: ("providers:need", "legalcheck:detail"),
    Role.INSTITUTION: ("financing:request_detail",),
    Role.SYSTEM_ADMIN: ("admin:index",),
    Role.SECURITY_ADMIN: ("admin:index", "accounts:security"),
    Role.AUDIT_ADMIN: ("admin:index", "audit:trail"),
}


@dataclass
class Findings:
    """What the tour found wrong, page by page, reported all at once at the end."""

    problems: list[str] = field(default_factory=list)

    def add(self, url: str, problem: str) -> None:
        self.problems.append(f"{url}: {problem}")


def tour_urls(world: World, role: str, menu: list[str]) -> list[str]:
    """The role's menu, then its detail pages, each once, in that order."""
    details = [
        reverse(name, kwargs=URL_KWARGS[name](world)) if name in URL_KWARGS else reverse(name)
        for name in TOUR_DETAILS[role]
    ]
    return list(dict.fromkeys([*menu, *details]))


def shot_name(role: str, url: str, viewport: str) -> str:
    path = urlsplit(url).path.strip("/").replace("/", "-") or "home"
    return f"tour/{role}--{path}--{viewport}"


def axe_problems(axe: Axe, page: Any) -> list[str]:
    """axe-core's critical and serious violations on the page, each with its first targets."""
    results = axe.run(page)
    return [
        f"axe {violation['id']} ({violation['impact']}): "
        + "; ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def sideways_overflow(page: Any) -> str | None:
    """Why the page scrolls sideways on the phone, or None if it does not."""
    widths = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["inner"] != PHONE_WIDTH or widths["scroll"] > widths["inner"]:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(el => !el.closest('.table-wrap, .scroll-x, pre'))
                .slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + el.className)"""
        )
        return f"{widths['scroll']} px wide in a {widths['inner']} px window ({culprits})"
    return None


def visit(page: Any, url: str, findings: Findings) -> bool:
    response = page.goto(url)
    if response is None or response.status != 200:
        findings.add(url, f"answered {response.status if response else 'nothing'}")
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_fits_a_phone_and_passes_axe(
    role: str, live_server: Any, logged_in: Callable[..., Any], shot: Callable[..., Path]
) -> None:
    """On every page of the role's menu and daily work: no sideways scrolling at 390 px, no
    critical or serious axe-core violation, and a photograph at 1366 px and at 390 px."""
    world = build_world()
    user = world.users[role]
    desktop, phone = logged_in(user, "desktop"), logged_in(user, "phone")
    desktop.goto(f"{live_server.url}/")
    menu = [
        urlsplit(href).path
        for href in desktop.eval_on_selector_all(
            "#main-nav a", "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    axe = Axe()
    findings = Findings()
    urls = tour_urls(world, role, menu)
    for path in urls:
        url = f"{live_server.url}{path}"
        if not visit(desktop, url, findings):
            continue
        for problem in axe_problems(axe, desktop):
            findings.add(path, problem)
        for crumbs in desktop.locator(".crumbs").all_inner_texts():
            if crumbs.strip().endswith("›"):
                findings.add(path, f"the breadcrumb trail ends in a dangling ›: {crumbs!r}")
        shot(desktop, shot_name(role, path, "desktop"))
        if not visit(phone, url, findings):
            continue
        overflow = sideways_overflow(phone)
        if overflow:
            findings.add(path, overflow)
        shot(phone, shot_name(role, path, "phone"))
    assert len(urls) >= 3, f"{role} toured only {urls}"
    assert not findings.problems, "\n".join(findings.problems)
