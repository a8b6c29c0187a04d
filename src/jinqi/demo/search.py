"""Demo: the index rebuilt from every registered source once the other apps have loaded theirs
(the saves along the way indexed them one by one already; this makes the totals exact)."""

from __future__ import annotations

from collections.abc import Callable

from jinqi.search.indexing import all_texts, index_rebuild


def demo_search_index(report: Callable[[str], None]) -> None:
    count = index_rebuild(all_texts())
    report(f"search: {count} documents indexed")
