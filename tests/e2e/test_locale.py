"""The browser tests read the pages as a user in China does: Chinese language, Shanghai time,
Chinese date order (issue #13). Chromium's date widgets follow its own language (`--lang`),
which needs its Chinese resources installed (Debian: chromium-l10n); without them they show
mm/dd/yyyy while everything else is Chinese."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROBE = (
    '<html lang="zh-CN"><body>'
    '<p id="intl"></p><script>document.getElementById("intl").textContent = '
    "[navigator.language, new Date(Date.UTC(2026, 11, 6, 17)).toLocaleString()].join(' ')"
    "</script></body></html>"
)


def test_the_browser_speaks_chinese_in_shanghai_time(new_page) -> None:
    """navigator.language is zh-CN and dates are written the Chinese way in Shanghai time
    (17:00 UTC on 6 December is 01:00 on 7 December)."""
    page = new_page("desktop")
    page.set_content(PROBE)
    language, *written = page.inner_text("#intl").split(" ")
    assert language == "zh-CN"
    assert " ".join(written).startswith("2026/12/7")
