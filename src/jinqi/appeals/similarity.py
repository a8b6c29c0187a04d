"""How alike two appeals' texts are: Jaccard similarity of their character bigrams.

Chinese has no spaces, so words are not at hand without a segmenter; character bigrams catch the
same matter told twice in slightly different words, and ignore punctuation, spacing and case.
"""

from __future__ import annotations

import unicodedata

# At or above this the same enterprise's appeal in the same category is called a duplicate.
# Two tellings of one matter score about 0.5–0.9; unrelated appeals of a category under 0.2.
DUPLICATE_THRESHOLD = 0.5
# How far back a duplicate is looked for.
DUPLICATE_WINDOW_DAYS = 30


def _normalised(text: str) -> str:
    return "".join(c.lower() for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def bigrams(text: str) -> frozenset[str]:
    clean = _normalised(text)
    if len(clean) < 2:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i : i + 2] for i in range(len(clean) - 1))


def similarity(first: str, second: str) -> float:
    """0 (nothing shared) to 1 (the same text, up to punctuation, spacing and case)."""
    a, b = bigrams(first), bigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
