"""Browser tests: headless Chromium (Debian's package) driven by Playwright's sync API.

Every test here talks to pytest-django's `live_server`, which serves the app from another
thread of this process, so the data a test builds must be committed (transactional database)
and the seeded departments are restored between tests (serialized rollback).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from jinqi.core import clock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    # The browser's own language (date and month widgets: 年/月/日, not mm/dd/yyyy); the
    # contexts' `locale` sets only navigator.language, Intl and Accept-Language. It takes
    # effect where Chromium's Chinese resources are installed (Debian: chromium-l10n).
    "--lang=zh-CN",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
# Generous enough for a loaded CI machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 10_000

PLAN_CODE = "jinshan-2022"


E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every browser test commits its data for the live server and has the seeded data restored
    (serialized rollback): a flush without the restore would re-create content types under the
    next such test's restore, and leave it without its departments."""
    for item in items:
        if Path(str(item.path)).resolve().parent != E2E_DIR:
            continue
        marker = item.get_closest_marker("django_db")
        if marker is None or not (
            marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: mark it "
                "pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's outcome on the item, so `page` can photograph a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class _PerThreadConnections:
    """Django's registry of database connections, kept per thread whatever asyncio says.

    Django keeps connections in an asgiref Local that switches to context-variable storage
    whenever an event loop runs in the thread. Between two sync calls Playwright marks its loop
    as running in the test's thread, so the test code would get a second connection, without
    the state pytest-django set up on the first (the serialized seed data that is restored
    between transactional tests) and apart from the one the live server thread shares.
    """

    def __init__(self, storage: threading.local) -> None:
        object.__setattr__(self, "_storage", storage)

    def __getattr__(self, alias: str) -> Any:
        return getattr(object.__getattribute__(self, "_storage"), alias)

    def __setattr__(self, alias: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_storage"), alias, value)

    def __delattr__(self, alias: str) -> None:
        delattr(object.__getattribute__(self, "_storage"), alias)


@contextmanager
def _django_beside_playwright() -> Iterator[None]:
    from django.db import connections

    registry = connections._connections
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    connections._connections = _PerThreadConnections(registry._storage)
    # The same running loop makes Django refuse ORM calls from the tests
    # ("SynchronousOnlyOperation"); they are synchronous code, so switch the check off, as
    # pytest-playwright users do, for as long as Playwright runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        connections._connections = registry
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Any]:
    """Headless Chromium, for the whole session. (Set up after the test databases, so that it
    is closed, and Django's connections are put back, before they are torn down.)"""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not installed at {CHROMIUM}: apt-get install chromium fonts-noto-cjk"
        )
    from playwright.sync_api import sync_playwright

    with _django_beside_playwright(), sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _browser_first(browser: Any) -> None:
    """Every test here drives the browser: skip (or, under CI, fail) before building any data."""


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """A factory of pages, each in its own browser context (own cookies): new_page("phone")."""
    contexts: list[Any] = []
    pages: list[tuple[str, Any]] = []

    def make(viewport: str = "desktop") -> Any:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale="zh-CN",  # Accept-Language: the interface's default language, Chinese
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            device_scale_factor=1,
            is_mobile=viewport == "phone",
            has_touch=viewport == "phone",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append((viewport, page))
        return page

    yield make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for i, (viewport, page) in enumerate(pages):
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            # The failure itself is what gets reported, not a page that cannot be photographed.
            with suppress(Exception):
                _shot(page, f"FAILED-{name}-{i}-{viewport}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any], request: pytest.FixtureRequest) -> Any:
    """A desktop page; parametrize indirectly with "phone" for a 390×844 phone viewport."""
    return new_page(getattr(request, "param", "desktop"))


@pytest.fixture
def logged_in(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """logged_in(user, viewport): a page in a browser context of its own carrying a session made
    with Django's force_login (no password typed, no second-factor step); None: anonymous."""
    contexts: list[Any] = []

    def make(user: Any, viewport: str = "desktop") -> Any:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            device_scale_factor=1,
            is_mobile=viewport == "phone",
            has_touch=viewport == "phone",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Log in through the login form and wait until the site shows who is logged in."""
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"login as {username} failed"
    page.locator(".site-header .who").wait_for()


def _shot(page: Any, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png."""
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def _wait_for_charts(page: Any) -> int:
    """Wait until ECharts has drawn a <canvas> into every [data-chart] element; returns how many."""
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count > 0, "no [data-chart] element on the page"
    for i in range(count):
        charts.nth(i).locator("canvas").first.wait_for(state="attached")
    # One more animation frame so the first paint has happened before any screenshot.
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    return count


@pytest.fixture
def login() -> Callable[..., None]:
    """login(page, live_server, username, password)"""
    return _login


@pytest.fixture
def shot() -> Callable[..., Path]:
    """shot(page, name): a full-page PNG in test-artifacts/screenshots/."""
    return _shot


@pytest.fixture
def wait_for_charts() -> Callable[..., int]:
    """wait_for_charts(page): every [data-chart] has its ECharts <canvas>."""
    return _wait_for_charts


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0)


@pytest.fixture
def jinshan_plan(transactional_db: None) -> Any:
    """The real 100-measure Jinshan 2022 plan, imported as it would have been in March 2022."""
    from jinqi.demo.plans import PLAN_DOCUMENT, PLAN_TITLE
    from jinqi.plans.tests.factories import import_plan, jinshan_2022_csv

    with clock.frozen_at(at(2022, 3, 1, 9)):
        plan = import_plan(jinshan_2022_csv(), code=PLAN_CODE)
    plan.title, plan.document_number = PLAN_TITLE, PLAN_DOCUMENT
    plan.save(update_fields=["title", "document_number"])
    assert plan.measures.count() == 100
    return plan


@pytest.fixture
def lead_office_user(transactional_db: None) -> Any:
    from jinqi.accounts.tests.factories import UserFactory

    return UserFactory(username="lead", full_name="牵头办 李督办", lead_office=True)


@pytest.fixture
def department_users(transactional_db: None) -> Callable[[str], Any]:
    """department_users(code): one staff member per department, made on first use."""
    from jinqi.accounts.tests.factories import department_user

    made: dict[str, Any] = {}

    def get(code: str) -> Any:
        if code not in made:
            user = department_user(code, username=f"staff-{code}")
            user.full_name = f"{user.department.name}联络员"
            user.save(update_fields=["full_name"])
            made[code] = user
        return made[code]

    return get


PUBLIC_SUMMARY = "“{item}”已完成系统上线，企业办事时间压缩一半。"


@pytest.fixture
def reviewed_progress(
    lead_office_user: Any, department_users: Callable[[str], Any]
) -> Callable[..., list[Any]]:
    """reviewed_progress(plan, seqs): the lead unit of each measure reports on June 2022 (a mix
    of statuses), the lead office rates every report and publishes a summary of the completed
    ones. Written in July 2022 through the services, as it would have happened."""
    from jinqi.plans import services
    from jinqi.plans.enums import MeasureStatus, Rating

    cycle = (
        MeasureStatus.COMPLETED,
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.BLOCKED,
    )

    def build(plan: Any, seqs: list[int]) -> list[Any]:
        reports = []
        for i, seq in enumerate(seqs):
            measure = plan.measures.get(seq=seq)
            lead = measure.assignments.filter(is_lead=True).select_related("department").first()
            status = cycle[i % len(cycle)]
            with clock.frozen_at(at(2022, 7, 4, 9)):
                report = services.report_save(
                    measure=measure,
                    period=dt.date(2022, 6, 1),
                    status=status,
                    narrative=f"六月围绕“{measure.reform_item}”推进落实，形成阶段成果。",
                    submit=True,
                    acting_user=department_users(lead.department.code),
                )
            with clock.frozen_at(at(2022, 7, 8, 15)):
                report = services.report_review(
                    report=report,
                    rating=Rating.GOOD,
                    comment="按节点推进，请继续巩固成效。",
                    public_summary=PUBLIC_SUMMARY.format(item=measure.reform_item)
                    if status == MeasureStatus.COMPLETED
                    else "",
                    expected_version=report.lock_version,
                    acting_user=lead_office_user,
                )
            reports.append(report)
        return reports

    return build
