"""The menu (web.navigation) marks exactly one tab active among the policy pages: the one whose
address best matches the page."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from jinqi.accounts.tests.factories import UserFactory
from jinqi.web.navigation import menu_for

pytestmark = pytest.mark.django_db


def _active_tabs(request: HttpRequest) -> list[str]:
    """The addresses of the lit tabs, looking inside the menu's folded groups."""
    items = menu_for(request)
    return [leaf.url for item in items for leaf in (item.children or (item,)) if leaf.active]


def test_a_nested_page_lights_only_its_own_tab() -> None:
    """/policies/mine/ lights "policies for me", not the catalogue at /policies/ too."""
    request = RequestFactory().get("/policies/mine/")
    request.user = UserFactory(enterprise=True)
    assert _active_tabs(request) == ["/policies/mine/"]


def test_the_catalogue_lights_for_a_policy_page() -> None:
    """A policy's public page belongs to the catalogue tab."""
    request = RequestFactory().get("/policies/small-low-profit-cit/")
    request.user = UserFactory(enterprise=True)
    assert _active_tabs(request) == ["/policies/"]
