"""A financial institution's API token (scope `financing.read_package`) reaches the data package
and nothing else: every other operation of the served schema answers it 403, operations any
logged-in user may call included (core.permissions.confine_tokens)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from surface import API_BODIES, PATH_PARAMS, World, api_call, schema_operations

from jinqi.accounts.services import api_token_create, system_user
from jinqi.core.permissions import PUBLIC
from jinqi.financing.permissions import READ_PACKAGE

pytestmark = pytest.mark.sqlite_pass


@pytest.mark.parametrize(
    ("path", "method"),
    [
        pytest.param(p, m, id=f"{m.upper()} {p}")
        for p, m in schema_operations()
        if not p.startswith("/api/v1/financing/")
    ],
)
def test_financing_token_is_refused_elsewhere(
    path: str, method: str, world: World, served_schema: dict[str, Any]
) -> None:
    """The operation answers a financing token with 403; a public one answers it as it answers
    everyone (the token takes nothing away from the public)."""
    operation = served_schema["paths"][path][method]
    key = api_token_create(
        acting_user=system_user(),
        user=world.institution_member,
        name="信贷系统",
        scopes=[READ_PACKAGE],
    )[1]
    params = {name: PATH_PARAMS[name](world) for name in re.findall(r"{(\w+)}", path)}
    url = re.sub(r"{(\w+)}", lambda m: str(params[m.group(1)]), path)
    body = (
        API_BODIES[operation["operationId"]](world) if method in ("post", "put", "patch") else None
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_call(client, method, url, body)
    if operation.get("x-capability") == PUBLIC:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 403, response.content
