"""Hostile input across the whole platform, generated like the authorization walk.

Four walks, none of them a list of places to remember (tests/surface.py):

1. Every page of the URL resolver, as each role that may open it: every form on it, every field
   of the form (each hostile text once), every query parameter its forms and links use, and
   every upload field (each hostile file once).
2. Every operation of the served OpenAPI schema, as each role that may call it: path and query
   parameters, every string of its JSON body (the body built from the schema), every form field
   and file of a multipart body.
3. Every command that takes a FILE (the command-line imports), with each hostile file.

Nothing answers 500; an API error is JSON; a refused request stores nothing (rows of every
model, files under MEDIA_ROOT); control characters are never stored, bidi controls never in a
one-line field; every hostile file is refused, within 512 MB of memory, and a ZIP bomb is
refused from its directory without one of its parts being opened.
"""

from __future__ import annotations

import argparse
import copy
import functools
import html.parser
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.test import Client
from django.urls import Resolver404, resolve
from hostile import (
    BOMB_PART,
    HOSTILE_FILES,
    HOSTILE_TEXTS,
    MEMORY_LIMIT,
    REFUSED_EVERYWHERE,
    REFUSED_IN_ONE_LINE,
    StoredText,
    Trace,
    traced,
)
from surface import (
    ANONYMOUS,
    API_BODIES,
    API_PREFIX,
    MULTIPART,
    PATH_PARAMS,
    PDF,
    ROLES,
    Route,
    World,
    all_routes,
    client_for,
    get_page,
    required_capability,
    route_kind,
    schema_operations,
    url_for,
)

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.core.permissions import AUTHENTICATED, PUBLIC, has_capability

pytestmark = [pytest.mark.slow, pytest.mark.hostile_walk]

# Enough roles to reach what anyone may reach, without walking the same page five times.
PUBLIC_ROLES = (ANONYMOUS, Role.ENTERPRISE.value)
AUTHENTICATED_ROLES = (Role.ENTERPRISE.value, Role.DEPARTMENT.value)
# Forms that end the session the rest of the walk needs.
NOT_SUBMITTED = frozenset({"accounts:logout"})


def _roles_reaching(capability: str | None) -> tuple[str, ...]:
    if capability in (None, PUBLIC):
        return PUBLIC_ROLES
    if capability == AUTHENTICATED:
        return AUTHENTICATED_ROLES
    return tuple(
        role
        for role in ROLES
        if role != ANONYMOUS and has_capability(User(role=role, is_active=True), capability)
    )


def _page_cases() -> list[Any]:
    return [
        pytest.param(route, role, id=f"{route.name}-{role}")
        for route in all_routes()
        if route_kind(route) in ("view", "public")
        for role in _roles_reaching(required_capability(route.callback))
    ]


# --------------------------------------------------------------------------------------------
# Reading the forms of a page.
# --------------------------------------------------------------------------------------------

TEXT_INPUTS = frozenset(
    {"text", "search", "email", "url", "tel", "number", "date", "month", "password", "hidden"}
)


@dataclass
class Form:
    method: str
    action: str
    values: list[tuple[str, str]] = field(default_factory=list)  # what the browser would send
    texts: dict[str, bool] = field(default_factory=dict)  # field → one line (not a textarea)
    files: list[str] = field(default_factory=list)
    choices: set[str] = field(default_factory=set)  # <select> fields among the texts


class _FormParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._submit_named = False

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attributes}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            method = (a.get("hx-post") and "post") or a.get("method", "get").lower()
            self._form = Form(method, a.get("hx-post") or a.get("action", ""))
            self._submit_named = False
            return
        if tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
            return
        form, name = self._form, a.get("name", "")
        if form is None or not name or "disabled" in a:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.values.append((name, a.get("value", "on")))
            elif kind in ("submit", "image", "button", "reset"):
                if not self._submit_named:
                    self._submit_named = True
                    form.values.append((name, a.get("value", "")))
            elif kind in TEXT_INPUTS:
                form.values.append((name, a.get("value", "")))
                if name != "csrfmiddlewaretoken":
                    form.texts.setdefault(name, True)
        elif tag == "button" and a.get("type", "submit") == "submit" and not self._submit_named:
            self._submit_named = True
            form.values.append((name, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = name
            form.values.append((name, ""))
            form.texts[name] = False
        elif tag == "select":
            self._select, self._select_value = name, None
            form.texts.setdefault(name, True)
            form.choices.add(name)

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            name, value = self._form.values[-1]
            self._form.values[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select is not None:
            self._form.values.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _parse(page: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(page)
    return parser


def _route_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


# --------------------------------------------------------------------------------------------
# Judging a response.
# --------------------------------------------------------------------------------------------

ERROR_MARKERS = re.compile(
    r'has-error|aria-invalid="true"|class="field-error"|msg-error|<ul class="errorlist'
)


def _refused(response: Any) -> bool:
    """A request is refused when it answers 4xx, queues an error message, or shows the form
    again with an error."""
    if response.status_code >= 400:
        return True
    request = getattr(response, "wsgi_request", None)
    storage = getattr(request, "_messages", None)
    if storage is not None and any(
        m.level >= message_levels.ERROR for m in getattr(storage, "_queued_messages", [])
    ):
        return True
    if response.status_code == 200 and not response.streaming:
        return bool(ERROR_MARKERS.search(response.content.decode(errors="replace")))
    return False


@dataclass
class Findings:
    """Every problem of one walk, reported together rather than stopping at the first."""

    problems: list[str] = field(default_factory=list)
    stored: StoredText = field(default_factory=StoredText)

    def check(self, where: str, value: str, response: Any, trace: Trace, *, one_line: bool) -> None:
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{where} ← {value}: answered {status}")
            return
        if _refused(response):
            if trace.changed or trace.new_files:
                self.problems.append(
                    f"{where} ← {value}: refused ({status}) but stored "
                    f"{trace.changed or ''} {sorted(map(str, trace.new_files)) or ''}"
                )
        elif value in REFUSED_EVERYWHERE or (one_line and value in REFUSED_IN_ONE_LINE):
            # Accepted, perhaps because the field is ignored; what matters is what was stored.
            rows = self.stored.new_rows(value)
            if rows:
                self.problems.append(f"{where} ← {value}: accepted ({status}) and stored {rows}")

    def check_file(self, where: str, kind: str, response: Any, trace: Trace) -> None:
        status = response.status_code if response is not None else 0
        if status >= 500:
            self.problems.append(f"{where} ← file {kind}: answered {status}")
        elif response is not None and not _refused(response):
            self.problems.append(f"{where} ← file {kind}: accepted ({status}), must be refused")
        if trace.changed or trace.new_files:
            self.problems.append(
                f"{where} ← file {kind}: stored {trace.changed or ''} "
                f"{sorted(map(str, trace.new_files)) or ''}"
            )
        if trace.peak_bytes > MEMORY_LIMIT:
            self.problems.append(
                f"{where} ← file {kind}: cost {trace.peak_bytes // 2**20} MB of memory"
            )
        if kind == "zip-bomb" and BOMB_PART in trace.opened_members:
            self.problems.append(f"{where} ← file {kind}: the bomb's part was unpacked")

    def json_error(self, where: str, value: str, response: Any) -> None:
        """An error of an operation is the API's JSON error (a path that routes to no operation
        is Django's 404)."""
        if _route_name(response.wsgi_request.path) is None:
            return
        if response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            self.problems.append(
                f"{where} ← {value}: error {response.status_code} is not the API's JSON error"
            )

    def assert_none(self) -> None:
        assert not self.problems, "\n".join([f"{len(self.problems)} problem(s):", *self.problems])


def _send(client: Client, method: str, url: str, data: Any, **extra: Any) -> Any:
    if method == "get":
        return get_page(client, url, **extra)
    response = client.post(url, data, **extra)
    if response.streaming:
        response.getvalue()
    return response


def _multi(values: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in values:
        data.setdefault(name, []).append(value)
    return data


def _upload(kind: str) -> SimpleUploadedFile:
    hostile = HOSTILE_FILES[kind]
    return SimpleUploadedFile(hostile.name, hostile.content())


# --------------------------------------------------------------------------------------------
# 1. Every page × every role that may open it: forms, fields, query parameters, uploads.
# --------------------------------------------------------------------------------------------


# A <select> answers every text but its options with the same "not a valid choice": the texts
# that reach the database or the parser differently (NUL on PostgreSQL, length, quoting) suffice.
TRIED_ON_CHOICES = frozenset({"nul", "overlong", "sql"})

FORMSET_ROW = re.compile(r"-(\d+)-")


def _one_row_of_each_formset(fields: dict[str, bool]) -> dict[str, bool]:
    """A formset's rows repeat the same fields (`form-0-label`, `form-1-label`, …): the first
    row stands for the others, so a long form editor costs one row, not all of them."""
    return {
        name: one_line
        for name, one_line in fields.items()
        if FORMSET_ROW.search(name) is None
        or FORMSET_ROW.sub("-0-", name, count=1) == name
        or FORMSET_ROW.sub("-0-", name, count=1) not in fields
    }


def _walk_form(
    client: Client, page_url: str, form: Form, one_lines: dict[str, bool], found: Findings
) -> None:
    target = urljoin(page_url, form.action or page_url)
    where = f"{form.method.upper()} {urlsplit(target).path} ({_route_name(target)})"
    base = _multi(form.values)
    for name, one_line in _one_row_of_each_formset(one_lines).items():
        for label, text in HOSTILE_TEXTS.items():
            if name in form.choices and label not in TRIED_ON_CHOICES:
                continue
            data = {**base, name: [text]}
            if form.method == "get":
                url = f"{urlsplit(target).path}?{urlencode(data, doseq=True)}"
                response = _send(client, "get", url, None)
                if response.status_code >= 500:
                    found.problems.append(f"{where} ?{name} ← {label}: answered 500")
                continue
            files = {f: SimpleUploadedFile("材料.pdf", PDF) for f in form.files}
            with traced() as trace:
                response = _send(client, "post", target, {**data, **files})
            found.check(f"{where} {name}", label, response, trace, one_line=one_line)
    for name in form.files:
        for kind in HOSTILE_FILES:
            with traced(memory=True) as trace:
                response = _send(client, "post", target, {**base, name: _upload(kind)})
            found.check_file(f"{where} {name}", kind, response, trace)


def _query_forms(page_url: str, links: list[str]) -> list[Form]:
    """A link to the page itself with a query string is a form of its parameters."""
    path = urlsplit(page_url).path
    forms = []
    for link in links:
        parts = urlsplit(urljoin(page_url, link))
        if parts.path == path and parts.query:
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            forms.append(Form("get", path, pairs, dict.fromkeys(dict(pairs), True)))
    return forms


# Forms already walked in this process, by role: the site header's forms (search, language) are
# on every page, and each field gets each hostile value once per role.
_WALKED: set[tuple[str, ...]] = set()


@pytest.fixture(autouse=True)
def _quiet_server_errors() -> Iterator[None]:
    """A 500 is reported by the walk itself; Django's log of it would echo 100,000 characters."""
    logger = logging.getLogger("django.request")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(previous)


@pytest.mark.parametrize(("route", "role"), _page_cases())
def test_page_survives_hostile_input(route: Route, role: str, world: World) -> None:
    """Every form, field, query parameter and upload of the page, as a role that may open it:
    no 500, nothing stored by a refused request, no control character stored, every hostile
    file refused within 512 MB without unpacking a ZIP bomb."""
    client = client_for(world, role, raise_request_exception=False)
    page_url = url_for(route, world)
    response = get_page(client, page_url)
    assert response.status_code < 500, f"{route.name} answered {response.status_code}"
    found = Findings()
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return
    parsed = _parse(response.content.decode())
    for form in [*parsed.forms, *_query_forms(page_url, parsed.links)]:
        target = urljoin(page_url, form.action or page_url)
        key = (role, form.method, urlsplit(target).path, tuple(sorted(form.texts)), *form.files)
        if key in _WALKED or _route_name(target) in NOT_SUBMITTED:
            continue
        _WALKED.add(key)
        _walk_form(client, page_url, form, form.texts, found)
    found.assert_none()


# --------------------------------------------------------------------------------------------
# 2. Every API operation × every role that may call it.
# --------------------------------------------------------------------------------------------


def _api_cases() -> list[Any]:
    from jinqi.api.api import api

    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    cases = []
    for path, method in schema_operations():
        capability = schema["paths"][path][method].get("x-capability")
        for role in _roles_reaching(capability):
            cases.append(pytest.param(path, method, role, id=f"{method.upper()} {path}-{role}"))
    return cases


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = functools.reduce(
            lambda part, key: part[key], node["$ref"].lstrip("#/").split("/"), schema
        )
    return node


def _string_paths(
    schema: dict[str, Any], node: dict[str, Any], sample: Any, at: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """Where a string goes in a body: the schema's string properties (through $ref, anyOf,
    objects and arrays) and the sample's own string leaves (free-form objects)."""
    node = _resolve(schema, node)
    variants = [_resolve(schema, v) for v in node.get("anyOf", [])] or [node]
    found: set[tuple[Any, ...]] = set()
    for variant in variants:
        kind = variant.get("type")
        if kind == "string" and variant.get("format") != "binary":
            found.add(at)
        elif kind == "object" or "properties" in variant:
            for key, child in variant.get("properties", {}).items():
                inner = sample.get(key) if isinstance(sample, dict) else None
                found.update(_string_paths(schema, child, inner, (*at, key)))
        elif kind == "array":
            inner = sample[0] if isinstance(sample, list) and sample else None
            found.update(_string_paths(schema, variant.get("items", {}), inner, (*at, 0)))
    if isinstance(sample, dict):
        for key, value in sample.items():
            if isinstance(value, str | dict | list) and (*at, key) not in found:
                found.update(_string_paths(schema, {}, value, (*at, key)))
    elif isinstance(sample, list) and sample:
        found.update(_string_paths(schema, {}, sample[0], (*at, 0)))
    elif isinstance(sample, str):
        found.add(at)
    yield from sorted(found, key=str)


def _with_value(body: Any, at: tuple[Any, ...], value: str) -> Any:
    body = copy.deepcopy(body)
    if not at:
        return value
    holder = body
    for key in at[:-1]:
        if isinstance(holder, dict):
            holder = holder.setdefault(key, {})
        else:
            while len(holder) <= key:
                holder.append({})
            holder = holder[key]
    if isinstance(holder, list):
        while len(holder) <= at[-1]:
            holder.append(None)
    holder[at[-1]] = value
    return body


def _call(client: Client, method: str, url: str, body: Any, multipart: bool) -> Any:
    if body is None:
        return client.generic(method.upper(), url)
    if multipart:
        return client.post(url, body)
    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(("path", "method", "role"), _api_cases())
def test_api_operation_survives_hostile_input(
    path: str, method: str, role: str, world: World, served_schema: dict[str, Any]
) -> None:
    """Every path parameter, query parameter, string of the body and uploaded file of the
    operation, as a role that may call it: no 500, errors in JSON, nothing stored by a refused
    call, no control character stored, every hostile file refused within 512 MB."""
    operation = served_schema["paths"][path][method]
    where = f"{method.upper()} {path}"
    client = client_for(world, role, raise_request_exception=False)
    params = {
        p["name"]: PATH_PARAMS[p["name"]](world)
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    content = operation.get("requestBody", {}).get("content", {})
    multipart = "multipart/form-data" in content
    body: Any = None
    if content:
        sample = API_BODIES[operation["operationId"]](world)
        body = sample[MULTIPART] if multipart else sample
    found = Findings()

    def url(overrides: dict[str, str], query_string: str = "") -> str:
        values = {**params, **overrides}
        text = re.sub(r"{(\w+)}", lambda m: quote(str(values[m.group(1)]), safe=""), path)
        return f"{text}?{query_string}" if query_string else text

    def send(label: str, spot: str, target: str, payload: Any, one_line: bool = False) -> None:
        if multipart and payload is not None:
            payload = {
                k: SimpleUploadedFile(v.name, PDF) if hasattr(v, "read") else v
                for k, v in payload.items()
            }
        with traced() as trace:
            response = _call(client, method, target, payload, multipart)
        found.check(f"{where} {spot}", label, response, trace, one_line=one_line)
        found.json_error(f"{where} {spot}", label, response)

    for label, text in HOSTILE_TEXTS.items():
        for name in params:
            send(label, f"{{{name}}}", url({name: text}), body, one_line=True)
        for name in query:
            send(label, f"?{name}", url({}, urlencode({name: text})), body, one_line=True)
        if body is not None and multipart:
            schema_fields = _resolve(served_schema, content["multipart/form-data"]["schema"])
            for name, spec in schema_fields.get("properties", {}).items():
                if spec.get("format") != "binary":
                    send(label, f"form {name}", url({}), {**body, name: text})
        elif body is not None:
            schema_body = content["application/json"]["schema"]
            for at in _string_paths(served_schema, schema_body, body):
                send(label, "body " + ".".join(map(str, at)), url({}), _with_value(body, at, text))
    if multipart:
        schema_fields = _resolve(served_schema, content["multipart/form-data"]["schema"])
        for name, spec in schema_fields.get("properties", {}).items():
            if spec.get("format") != "binary":
                continue
            for kind in HOSTILE_FILES:
                with traced(memory=True) as trace:
                    response = _call(client, method, url({}), {**body, name: _upload(kind)}, True)
                found.check_file(f"{where} file {name}", kind, response, trace)
                found.json_error(f"{where} file {name}", kind, response)
    found.assert_none()


# --------------------------------------------------------------------------------------------
# 3. Every command that reads a FILE: the command-line imports.
# --------------------------------------------------------------------------------------------

# Sample values for the required options of file-reading commands, by option name.
COMMAND_OPTIONS: dict[str, str] = {
    "code": "hostile-2022",
    "title": "恶意输入计划",
    "year": "2022",
    "source": "market-regulation",
}


def _file_commands() -> list[Any]:
    """(command, subcommand, required options) of every jinqi command taking a FILE."""
    cases = []
    for name, app in sorted(get_commands().items()):
        if not app.startswith("jinqi."):
            continue
        parser = load_command_class(app, name).create_parser("jinqi", name)
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for sub, subparser in subparsers[0].choices.items() if subparsers else [(None, parser)]:
            actions = subparser._actions
            if not any(a.dest == "file" and not a.option_strings for a in actions):
                continue
            required = tuple(a for a in actions if a.required and a.option_strings)
            options = []
            for action in required:
                if action.dest not in COMMAND_OPTIONS:
                    pytest.fail(f"{name} {sub}: no sample for {action.option_strings[0]}")
                options += [action.option_strings[0], COMMAND_OPTIONS[action.dest]]
            cases.append(pytest.param(name, sub, tuple(options), id=f"{name} {sub}"))
    return cases


@pytest.mark.parametrize(("command", "sub", "options"), _file_commands())
@pytest.mark.parametrize("kind", list(HOSTILE_FILES))
def test_command_refuses_hostile_file(
    command: str, sub: str | None, options: tuple[str, ...], kind: str, db: Any, tmp_path: Path
) -> None:
    """A hostile file given to a command is refused with a message (CommandError: one line, exit
    status 1), never a traceback, storing nothing, within 512 MB, a ZIP bomb unopened."""
    hostile = HOSTILE_FILES[kind]
    path = tmp_path / hostile.name
    path.write_bytes(hostile.content())
    found = Findings()
    arguments = [a for a in (command, sub, str(path), *options) if a is not None]
    where = f"jinqi {' '.join(arguments[:2])}"
    refused, crash = False, None
    with traced(memory=True) as trace:
        try:
            call_command(*arguments, stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError:
            refused = True
        except BaseException as error:  # anything else prints a traceback to the user
            crash = error
    assert crash is None, f"{where} ← {kind}: {crash!r}"
    if not refused:
        found.problems.append(f"{where} ← file {kind}: accepted, must be refused")
    found.check_file(where, kind, None, trace)
    found.assert_none()


def test_the_walks_reach_forms_uploads_and_imports() -> None:
    """The walks find what they are meant to: pages, operations and file-reading commands."""
    assert len(_page_cases()) > 50
    assert len(_api_cases()) > 15
    assert {(p.values[0], p.values[1]) for p in _file_commands()} >= {
        ("plan", "import"),
        ("registry", "import"),
    }
