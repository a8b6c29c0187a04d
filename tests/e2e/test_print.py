"""The pages people print — the ledger, a measure's reports, an application, a publicity batch —
print on A4 through the print stylesheet: Chromium prints each to PDF, which has A4 pages, none
of the site's menus, and the last row of the page's table."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader
from surface import ANONYMOUS, URL_KWARGS, build_world

from jinqi.accounts.enums import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

A4_POINTS = (595, 842)  # 210 × 297 mm in PDF points, rounded
# (who prints it, the page's URL name, the rows of its table (or list) whose last must be printed)
PRINTED = (
    (Role.LEAD_OFFICE, "plans:ledger", "#ledger-results table tbody tr"),
    (Role.LEAD_OFFICE, "plans:measure_detail", "table tbody tr"),
    (Role.DEPARTMENT, "applications:review_detail", ".timeline li"),
    (ANONYMOUS, "applications:batch", "table tbody tr"),
)


def _squeeze(text: str) -> str:
    """The text without white space, with the compatibility forms PDF text extraction yields for
    some CJK glyphs (Kangxi radicals such as ⽤ for 用) folded to the ordinary characters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _printed(needle: str, text: str) -> bool:
    """Whether the text holds the needle, a character in ten allowed to differ: a glyph that
    CJK fonts share between two characters is extracted as either (户 as 戶)."""
    allowed = len(needle) // 10
    return any(
        sum(a != b for a, b in zip(needle, text[start : start + len(needle)], strict=True))
        <= allowed
        for start in range(len(text) - len(needle) + 1)
    )


def test_printed_tolerates_one_variant_glyph_in_ten_characters() -> None:
    """The comparison finds a row whose 户 came out as 戶, and not a row that is absent."""
    assert _printed("公示中2026-12-0713:56·用户0", "…已受理公示中2026-12-0713:56·用戶0…")
    assert not _printed("公示中2026-12-0713:56·用户0", "…已受理公示中2026-12-0813:57·用戶1…")


@pytest.mark.parametrize(("role", "url_name", "rows"), PRINTED)
def test_page_prints_on_a4_with_its_whole_table(
    role: str,
    url_name: str,
    rows: str,
    live_server: Any,
    logged_in: Callable[..., Any],
) -> None:
    """The printed page is A4, carries no menu, and prints the last row of the page's table."""
    world = build_world()
    url = (
        reverse(url_name, kwargs=URL_KWARGS[url_name](world))
        if url_name in URL_KWARGS
        else (reverse(url_name))
    )
    page = logged_in(world.users[role])
    response = page.goto(f"{live_server.url}{url}")
    assert response is not None and response.status == 200
    last_row = page.locator(rows).last.inner_text().splitlines()[0]
    assert last_row.strip(), "the table has a last row with text"
    menu = page.locator("#main-nav").inner_text()

    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    sizes = {(round(p.mediabox.width), round(p.mediabox.height)) for p in pdf.pages}
    assert sizes == {A4_POINTS}, f"pages of {sizes} points, not A4"
    text = _squeeze("".join(p.extract_text() for p in pdf.pages))
    assert _printed(_squeeze(last_row), text), f"{last_row!r} is not in the printed {url}"
    if menu.strip():
        assert _squeeze(menu) not in text, "the site's menu is printed"
