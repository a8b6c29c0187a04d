"""Everything a user reads is finished Chinese: for each role, every page of its menu and every
page those link to (one level further), rendered in zh-hans, shows no vocabulary key, no
operator of the rules language, no department code and no English word outside a short
allow-list — in its visible text outside <code> and <pre> (a 规则原文 block may show the rule as
written: that is transparency).

The pages are found by following links, from the role's home page, in the walks' world
(tests/surface.py) with every object a page can show built first.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve
from surface import ROLES, URL_KWARGS, World, all_routes, client_for, get_page, url_for

from jinqi.accounts.models import Department
from jinqi.registry.rules_vocabulary import derived_fields
from jinqi.registry.vocabulary import FIELDS

# English a Chinese page may show: units, file formats, code names people use as words.
ALLOWED_WORDS = frozenset(
    {
        # units and currencies
        "km", "kg", "kWh", "CNY", "GB", "MB", "KB", "ms",
        # file formats and channels people know by these names
        "PDF", "Excel", "XLSX", "CSV", "JSON", "Parquet", "OFD", "ZIP", "API", "SMS", "URL",
        "HTTP", "HTTPS", "OpenAPI", "PNG", "JPG", "JPEG", "Word", "DOCX", "WPS", "App",
        # codes and registers known by their letters
        "USCC", "ID", "IP", "AAA", "AA", "A", "B", "M", "AP", "GB/T",
        # sizes of a paper and of a table's page
        "A4",
        # the language switcher names the other language in that language; text encodings
        "English", "UTF", "GBK",
    }
)  # fmt: skip
# A run of Latin letters, digits and the marks codes are made of; only a run of letters alone
# is a word. A run with a digit, hyphen, underscore, dot or slash is a code, an identifier, a
# file name or an address (department codes and field keys among them are checked apart).
TOKEN = re.compile(r"[A-Za-z0-9_.\-/:@]+")
WORD = re.compile(r"[A-Za-z]{2,}")
# Capitals alone, six or more: a verification code (core.documents), not a word.
SHORT_CODE = re.compile(r"[A-Z]{6,}")
OPERATORS = re.compile(r"\bIS (NOT )?(TRUE|FALSE|NULL)\b|\bNOT \(|<>|\bCAST\(")
# Routes a text walk does not open: logging out, switching language, and the Django admin
# (its own pages and language, linked to nobody but administrators).
NOT_WALKED = ("accounts:logout", "set_language")
PAGES_PER_ROUTE = 2  # the same template with other rows teaches nothing new


class VisibleText(HTMLParser):
    """The text a person reads: outside <code>, <pre>, <script> and <style>, plus the attributes
    read aloud or shown (title, placeholder, aria-label, alt). What a form field holds (a
    <textarea>'s text) is the user's own writing, and a policy's note for staff (class
    `staff-note`, shown to staff only) the drafters' own working words: neither is the
    interface's."""

    SKIPPED = frozenset({"code", "pre", "script", "style", "template", "svg", "textarea"})
    SKIPPED_CLASSES = frozenset({"staff-note"})
    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})
    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, whether its content is skipped)
        self.parts: list[str] = []
        self.links: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        classes = set(str(values.get("class") or "").split())
        skipped = tag in self.SKIPPED or bool(classes & self.SKIPPED_CLASSES)
        if not (self.skipping or skipped):
            self.parts.extend(str(values[a]) for a in self.ATTRIBUTES if values.get(a))
        if tag not in self.VOID:
            self.open.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching start tag (HTML lets some end tags be left out).
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def read(response: HttpResponse) -> VisibleText:
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser


def problems_in(text: str, codes: frozenset[str], keys: frozenset[str]) -> list[str]:
    """What a Chinese reader should not meet in the text."""
    found = [f"rule operator {m.group(0)!r}" for m in OPERATORS.finditer(text)]
    found += [f"department code {code!r}" for code in codes if code in text]
    found += [f"field key {key!r}" for key in keys if re.search(rf"\b{key}\b", text)]
    found += [
        f"English word {m.group(0)!r}"
        for m in TOKEN.finditer(text)
        if WORD.fullmatch(m.group(0))
        and m.group(0) not in ALLOWED_WORDS
        and not SHORT_CODE.fullmatch(m.group(0))
    ]
    return found


def route_of(url: str) -> str | None:
    """The URL name of a link on the site, or None for a link elsewhere or not walked."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    if name in NOT_WALKED or name.startswith(("admin:", "api:")):
        return None
    return name


def built(world: World) -> World:
    """The world with every object some page shows: each sample of the URL walks, made."""
    for route in all_routes():
        if route.name in URL_KWARGS:
            url_for(route, world)
    return world


def landing(client: Client) -> str:
    """Where a role starts: `/` sends staff to their to-do page, the lead office to its
    dashboard and an enterprise to its own page."""
    response = client.get("/", follow=True)
    return str(response.redirect_chain[-1][0]) if response.redirect_chain else "/"


def walk(client: Client, start: str, levels: int) -> dict[str, tuple[str, str]]:
    """Every HTML page reachable from `start` within `levels` links: url → (route, text)."""
    seen: dict[str, tuple[str, str]] = {}
    per_route: Counter[str] = Counter()
    frontier = [start]
    for _level in range(levels + 1):
        following: list[str] = []
        for url in frontier:
            name = route_of(url)
            if url in seen or name is None or per_route[name] >= PAGES_PER_ROUTE:
                continue
            response = get_page(client, url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            per_route[name] += 1
            page = read(response)
            seen[url] = (name, "\n".join(page.parts))
            following.extend(link.split("#")[0] for link in page.links)
        frontier = following
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_reads_as_chinese(world: World, role: str) -> None:
    """No vocabulary key, rule operator, department code or English word outside the allow-list
    in what a role reads on its menu's pages and the pages they link to."""
    built(world)
    codes = frozenset(
        code for code in Department.objects.values_list("code", flat=True) if "-" in code
    ) | frozenset(spec.source for spec in FIELDS if "-" in spec.source)
    keys = frozenset({spec.key for spec in FIELDS if "_" in spec.key} | set(derived_fields()))
    client = client_for(world, role)
    pages = walk(client, landing(client), levels=2)
    assert len(pages) > 3, "the walk found the role's pages"
    found = [
        f"{url} ({name}): {problem}"
        for url, (name, text) in pages.items()
        for problem in problems_in(text, codes, keys)
    ]
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("满足 NOT (in_abnormal_list IS TRUE)", "rule operator 'IS TRUE'"),
        ("尚未接入平台的部门（ecology-environment）", "department code 'ecology-environment'"),
        ("employees (2025) → 区人社局", "English word 'employees'"),
        ("纳税信用等级：tax_credit_level", "field key 'tax_credit_level'"),
    ],
)
def test_the_walk_names_what_a_chinese_reader_should_not_meet(text: str, problem: str) -> None:
    """The check flags the issue's own examples, and lets codes, file names and units pass."""
    codes, keys = frozenset({"ecology-environment"}), frozenset({"tax_credit_level"})
    assert problem in problems_in(text, codes, keys)
    assert not problems_in("统一社会信用代码 91310116MA1JL0TT5P，附件 plan.pdf，30 km", codes, keys)


def test_code_blocks_and_staff_notes_are_not_read_as_interface_text() -> None:
    """What sits in <code>, <pre>, a textarea or a staff note is left out; the rest is read."""
    page = VisibleText()
    page.feed(
        "<p>规则原文 <code>employees &lt;= 30</code></p><pre>NOT in_abnormal_list</pre>"
        '<div class="staff-note"><div>push</div>note</div><textarea>draft</textarea>'
        '<p title="提示">末尾<br>文字</p>'
    )
    assert page.parts == ["规则原文", "提示", "末尾", "文字"]
