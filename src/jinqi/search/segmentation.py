"""Chinese word segmentation for the index and for queries: rjieba (jieba-rs) in search mode,
with the plan's terms added. Documents and queries go through the same function, so a phrase
is cut the same way in both (see docs/adr/0006-search.md)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import rjieba

from jinqi.search.vocabulary import DOMAIN_WORDS, STOP_WORDS

# A token worth indexing holds a letter, a digit or a CJK ideograph.
_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
# Runs of such characters (after `normalise`, so lower case): a phrase's character pairs.
_RUN = re.compile(r"[0-9a-z\u3400-\u9fff]{2,}")
MAX_TERM_LENGTH = 40


@cache
def _segmenter() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        jieba.add_word(word, None, None)
    return jieba


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """The terms of a text in order, in search mode (a long word and its dictionary sub-words)."""
    words = _segmenter().cut_for_search(normalise(text), True)
    return [
        word
        for word in (w.strip() for w in words)
        if word
        and len(word) <= MAX_TERM_LENGTH
        and word not in STOP_WORDS
        and _WORDLIKE.search(word)
    ]


def query_terms(text: str) -> list[str]:
    """A query's distinct terms, in the order typed."""
    return list(dict.fromkeys(tokens(text)))


def bigrams(text: str) -> set[str]:
    """The pairs of adjacent letters, digits or ideographs of a normalised text: a text holds a
    phrase only if it holds every pair of the phrase (the phrase filter of the index)."""
    return {run[i : i + 2] for run in _RUN.findall(normalise(text)) for i in range(len(run) - 1)}
