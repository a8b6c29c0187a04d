"""Kept pages (core/pagecache.py): served from memory until a write, to the audience they were
rendered for only, after authorization, with this request's CSRF token and the time they show."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task
from tests.surface import World, client_for

from jinqi.accounts.enums import Role
from jinqi.accounts.tests.factories import UserFactory, department_user
from jinqi.core import pagecache
from jinqi.guides.models import ServiceGuide
from jinqi.guides.services import GuideData, guide_create
from jinqi.notifications.tasks import outbox_deliver

pytestmark = pytest.mark.django_db

KEPT = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
}
GUIDES = "/guides/"


@pytest.fixture(autouse=True)
def _pages_kept() -> Iterator[None]:
    with override_settings(CACHES=KEPT):
        caches["pages"].clear()
        yield
        caches["pages"].clear()


@pytest.fixture
def guide() -> ServiceGuide:
    data = GuideData(title="企业设立登记指南", matter="企业设立登记", body="全程网办。")
    return guide_create(data=data, acting_user=department_user("market-regulation"))


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a request's on-commit callbacks (the generation's advance) as a real commit would."""

    def run(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def _generation() -> int:
    return pagecache.current_generation()


def test_a_kept_page_is_served_without_rendering_until_a_write(
    guide: ServiceGuide, django_assert_max_num_queries: Any
) -> None:
    """The second visit costs one query (the generation) and shows the page as first rendered,
    even after a change made behind the platform's back; advancing the generation shows it."""
    client = Client()
    assert "企业设立登记指南" in client.get(GUIDES).content.decode()
    ServiceGuide.objects.filter(pk=guide.pk).update(title="改过的指南标题")
    with django_assert_max_num_queries(1):
        kept = client.get(GUIDES).content.decode()
    assert "企业设立登记指南" in kept
    assert "改过的指南标题" not in kept
    pagecache._advance()
    assert "改过的指南标题" in client.get(GUIDES).content.decode()


def test_every_kept_page_says_when_it_was_rendered(guide: ServiceGuide) -> None:
    """The time the figures are from is on the page, and a kept copy keeps that time."""
    first = Client().get(GUIDES).content.decode()
    assert "本页数据更新于" in first
    stamp = first.split("本页数据更新于", 1)[1][:22]
    assert stamp in Client().get(GUIDES).content.decode()


def test_a_writing_request_advances_the_generation_once_committed(
    world: World, committed: Callable[..., Any]
) -> None:
    """A request that wrote a guide advances the generation after its commit, and the kept list
    shows the new guide; a refused request, a form sent back with an error, a GET and a
    language switch (a cookie) do not."""
    staff = client_for(world, Role.DEPARTMENT)
    Client().get(GUIDES)
    before = _generation()
    committed(staff.get, GUIDES)
    committed(staff.post, reverse("set_language"), {"language": "zh-hans", "next": GUIDES})
    refused = committed(client_for(world, Role.ENTERPRISE).post, reverse("guides:guide_create"))
    assert refused.status_code == 403
    guide = {"title": "新办企业指南", "matter": "企业设立登记", "body": "全程网办。"}
    too_short = committed(staff.post, reverse("guides:guide_create"), guide)
    assert "至少" in too_short.content.decode()
    assert _generation() == before
    guide["body"] = "全程网办：登录一网通办，填写设立登记信息，一个工作日内办结。"
    made = committed(staff.post, reverse("guides:guide_create"), guide)
    assert made.status_code == 302
    assert _generation() == before + 1
    assert "新办企业指南" in Client().get(GUIDES).content.decode()


def test_the_audience_is_the_user_and_never_another(world: World) -> None:
    """An enterprise's own page kept for it is not served to another enterprise, nor to the
    public: each gets its own."""
    mine = client_for(world, Role.ENTERPRISE).get("/me/")
    assert mine.status_code == 200
    other_user = UserFactory(enterprise=True)
    other = Client()
    other.force_login(other_user)
    theirs = other.get("/me/")
    assert theirs.status_code == 200
    assert str(world.users[Role.ENTERPRISE]) in mine.content.decode()
    assert str(world.users[Role.ENTERPRISE]) not in theirs.content.decode()
    assert str(other_user) in theirs.content.decode()
    public = Client().get(GUIDES).content.decode()
    assert str(world.users[Role.ENTERPRISE]) not in public


def test_authorization_runs_before_the_kept_page(world: World) -> None:
    """The lead dashboard kept for the lead office is still refused to an enterprise."""
    assert client_for(world, Role.LEAD_OFFICE).get(reverse("plans:dashboard")).status_code == 200
    assert client_for(world, Role.ENTERPRISE).get(reverse("plans:dashboard")).status_code == 403
    assert Client().get(reverse("plans:dashboard")).status_code == 302


def test_a_kept_page_carries_the_visitors_own_csrf_token(guide: ServiceGuide) -> None:
    """A page kept from one visitor's request has a token valid for the next visitor: the
    language form on it works."""
    Client().get(GUIDES)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(GUIDES).content.decode()
    assert "@@jinqi-csrf-token@@" not in page
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1][:64]
    answer = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": GUIDES, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302


def test_a_page_with_a_message_is_rendered_and_not_kept(world: World) -> None:
    """A message waiting for the user is shown on the next page even when that page is kept,
    and the page after it shows the message no more."""
    client = client_for(world, Role.LEAD_OFFICE)
    landing = client.get("/me/")  # not for the lead office: a message, and off to its landing
    assert landing.status_code == 302
    message = str(_("The personal page is for enterprise users."))
    assert message in client.get(landing.url).content.decode()
    assert message not in client.get(landing.url).content.decode()


@task()
def _rename_guides(title: str) -> int:
    return ServiceGuide.objects.update(title=title)


@task()
def _count_guides() -> int:
    return ServiceGuide.objects.count()


def test_a_task_advances_the_generation_when_it_wrote_what_a_page_shows(
    guide: ServiceGuide, committed: Callable[..., Any]
) -> None:
    """A background task that changed a guide advances the generation; one that only read, or
    that delivered the outbox (a table no page shows), does not."""
    before = _generation()
    committed(_count_guides.enqueue)
    committed(outbox_deliver.enqueue)
    assert _generation() == before
    committed(_rename_guides.enqueue, "改过的指南标题")
    assert _generation() == before + 1


def test_a_command_that_wrote_advances_the_generation(guide: ServiceGuide) -> None:
    """Around a `jinqi` command: reading leaves the generation alone, writing advances it."""
    before = _generation()
    with pagecache.advanced_after_writes():
        list(ServiceGuide.objects.all())
    assert _generation() == before
    with pagecache.advanced_after_writes():
        ServiceGuide.objects.update(title="改过的指南标题")
    assert _generation() == before + 1


@pytest.mark.parametrize(
    ("sql", "shown"),
    [
        ('SELECT "guides_serviceguide"."id" FROM "guides_serviceguide"', False),
        ('UPDATE "guides_serviceguide" SET "title" = %s', True),
        ('INSERT INTO "applications_application" ("state") VALUES (%s)', True),
        ('DELETE FROM "policies_grant" WHERE "id" = %s', True),
        ('UPDATE "django_session" SET "session_data" = %s WHERE "session_key" = %s', False),
        ('INSERT INTO "audit_auditevent" ("action") VALUES (%s)', False),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "accounts_user" SET "department_id" = %s WHERE "accounts_user"."id" = %s', True),
        ('ALTER TABLE "guides_serviceguide" ADD COLUMN "x" integer', True),
        ('SAVEPOINT "s1"', False),
    ],
)
def test_the_write_detector_tells_writes_pages_show_from_the_rest(sql: str, shown: bool) -> None:
    """Which statements retire the kept pages."""
    assert pagecache._shown(sql) is shown


def test_a_write_undone_by_a_savepoint_rollback_is_forgotten(guide: ServiceGuide) -> None:
    """A service that failed inside an atomic block left nothing: the pages stay; one that
    succeeded did write."""
    detector = pagecache.WriteDetector()
    with connection.execute_wrapper(detector):
        with pytest.raises(RuntimeError), transaction.atomic():
            ServiceGuide.objects.update(title="改过的指南标题")
            raise RuntimeError
        assert not detector.wrote
        with transaction.atomic():
            ServiceGuide.objects.update(title="改过的指南标题")
    assert detector.wrote
