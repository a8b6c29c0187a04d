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


def _term(word: str) -> str:
    """The term a segment stands for, or "" when it is not worth indexing."""
    word = word.strip()
    keep = (
        word and len(word) <= MAX_TERM_LENGTH and word not in STOP_WORDS and _WORDLIKE.search(word)
    )
    return word if keep else ""


# Segment → term (or ""), remembered: a corpus repeats its words, and the checks above cost
# more than a dictionary lookup. Bounded, so an odd corpus cannot grow it without end.
_TERMS: dict[str, str] = {}
_TERMS_MAX = 200_000


def tokens(text: str, *, normalised: bool = False) -> list[str]:
    """The terms of a text in order, in search mode (a long word and its dictionary sub-words).
    `normalised`: the text has been through `normalise` already."""
    words = _segmenter().cut_for_search(text if normalised else normalise(text), True)
    found = []
    for word in words:
        term = _TERMS.get(word)
        if term is None:
            term = _term(word)
            if len(_TERMS) < _TERMS_MAX:
                _TERMS[word] = term
        if term:
            found.append(term)
    return found


def query_terms(text: str) -> list[str]:
    """A query's distinct terms, in the order typed."""
    return list(dict.fromkeys(tokens(text)))


def bigrams(text: str, *, normalised: bool = False) -> set[str]:
    """The pairs of adjacent letters, digits or ideographs of a normalised text: a text holds a
    phrase only if it holds every pair of the phrase (the phrase filter of the index)."""
    runs = _RUN.findall(text if normalised else normalise(text))
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}
