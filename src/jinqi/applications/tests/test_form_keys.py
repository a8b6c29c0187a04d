"""The form designer never asks for identifiers: a new field or material gets a generated key,
kept from version to version whatever happens to its label, and never reused once retired."""

from __future__ import annotations

from typing import Any

import pytest

from jinqi.accounts.models import User
from jinqi.applications.models import ApplicationForm
from jinqi.applications.tests.factories import definition
from jinqi.applications.tests.test_views_review import (
    client_for,
    editor_post,
    followed_messages,
    item,
    owner,
)
from jinqi.policies.models import Policy

pytestmark = pytest.mark.django_db
__all__ = ["item", "owner"]  # fixtures used by name below


def _latest(policy: Policy) -> Any:
    return ApplicationForm.objects.filter(policy=policy).order_by("-number")[0].definition


def test_the_editor_shows_no_key_to_type(item: Policy, owner: User) -> None:
    """Keys ride along hidden; no input asks for one and no registry key is shown."""
    page = client_for(owner).get(f"/applications/forms/{item.code}/").content.decode()
    assert 'type="hidden" name="fields-0-key" value="project_name"' in page
    assert 'type="text" name="fields-0-key"' not in page
    assert "（employees）" not in page and "(employees)" not in page


def test_a_new_field_gets_a_generated_key_and_renaming_keeps_keys(
    item: Policy, owner: User
) -> None:
    """The new question gets field_1; renaming the first question keeps project_name; a
    condition names its question by its text."""
    n = len(definition().fields)
    response = editor_post(
        client_for(owner),
        item.code,
        **{
            "fields-0-label": "技术改造项目名称",
            f"fields-{n}-label": "专利数",
            f"fields-{n}-kind": "integer",
            f"fields-{n}-show_when_field": "是否有出口业务",
            f"fields-{n}-show_when_value": "是",
        },
    )
    assert "已保存为第 2 版" in followed_messages(response)
    fields = _latest(item).fields
    assert fields[0].key == "project_name" and fields[0].label == "技术改造项目名称"
    assert fields[-1].key == "field_1" and fields[-1].label == "专利数"
    assert fields[-1].show_when is not None and fields[-1].show_when.field == "has_export"


def test_a_retired_key_is_never_given_to_a_new_field(item: Policy, owner: User) -> None:
    """field_1 is added, then deleted; the next new field gets field_2."""
    client = client_for(owner)
    n = len(definition().fields)
    editor_post(client, item.code, **{f"fields-{n}-label": "甲", f"fields-{n}-kind": "text"})
    editor_post(client, item.code, **{f"fields-{n}-DELETE": "on"})
    assert "field_1" not in [f.key for f in _latest(item).fields]
    editor_post(client, item.code, **{f"fields-{n}-label": "乙", f"fields-{n}-kind": "text"})
    assert _latest(item).fields[-1].key == "field_2"
