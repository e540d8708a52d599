"""The generator's token tables, built once per process from the word lists (words.py).

Function words keep their listed order (roughly real frequency); content words are the base lists plus
regular inflections, the frequent news words first and the rest in a fixed-seed shuffle; invented names,
real cities and organisations follow as topical words. Every token comes in six variants (plain,
capitalised, with a comma, with a period, opening and closing a quote), so a whole article is one fancy
index into `Vocab.table`; Zipf-like sampling is one integer draw and one lookup in a quantised inverse CDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsdedup.synth.words import (
    ADJECTIVES,
    ADVERBS,
    FIRST_NAMES,
    FUNCTION,
    IRREGULAR,
    LAST_NAMES,
    NOUNS,
    NUMBERS,
    ORG_KINDS,
    ORG_TOPICS,
    PLACES,
    SECTIONS,
    TOP_CONTENT,
    UNCOUNTABLE,
    VERBS,
)

__all__ = [
    "CAP",
    "COMMA",
    "LUT_SIZE",
    "PERIOD",
    "PLAIN",
    "QCLOSE",
    "QOPEN",
    "Vocab",
    "vocab",
]

LUT_SIZE = 1 << 18

# Variants of each base token, so a whole article is one fancy-index into `table`.
PLAIN, CAP, COMMA, PERIOD, QOPEN, QCLOSE = range(6)


def _inflect_noun(w: str) -> str:
    if w in UNCOUNTABLE:
        return w
    if w in IRREGULAR:
        return IRREGULAR[w][0]
    if w.endswith(("s", "x", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2:-1] not in ("a", "e", "o", "u"):
        return w[:-1] + "ies"
    return w + "s"


def _inflect_verb(w: str) -> list[str]:
    if w in IRREGULAR:
        return IRREGULAR[w]
    if w.endswith("e"):
        ed, ing = w + "d", w[:-1] + "ing"
    elif w.endswith("y") and w[-2:-1] not in ("a", "e", "o", "u"):
        ed, ing = w[:-1] + "ied", w + "ing"
    else:
        ed, ing = w + "ed", w + "ing"
    return [_inflect_noun(w), ed, ing]


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))


@dataclass(frozen=True)
class Vocab:
    """Token tables shared by every generator; built once per process (see `vocab`)."""

    n_function: int
    n_words: int  # function + content words; entities follow
    table: np.ndarray  # object array of strings, index = variant * n_base + base
    n_base: int
    function_lut: np.ndarray  # uniform integer in [0, LUT_SIZE) -> function-word base index (Zipf)
    content_lut: np.ndarray  # same for content words (already offset by n_function)
    section_idx: dict[str, np.ndarray]
    person_idx: np.ndarray
    place_idx: np.ndarray  # base index of the Title-case city name
    org_idx: np.ndarray
    said: int


def _content(function: list[str], fixed: np.random.Generator) -> list[str]:
    """Content words: the frequent news words first, then every other base word and inflection, shuffled."""
    content_base = [*NOUNS, *ADJECTIVES, *ADVERBS, *NUMBERS, *VERBS]
    derived = [_inflect_noun(n) for n in NOUNS] + [f for v in VERBS for f in _inflect_verb(v)]
    for words in SECTIONS.values():
        content_base.extend(words)
    tail = _unique([w for w in content_base + derived if w not in TOP_CONTENT and w not in function])
    order = fixed.permutation(len(tail))
    content = _unique([*TOP_CONTENT, *(tail[i] for i in order)])
    return [w for w in content if w not in function]


def _entities(fixed: np.random.Generator) -> tuple[list[str], list[str], list[str]]:
    """(people, places, organisations) as they are printed in running text."""
    people = _unique(
        f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[j]}"
        for i, j in zip(
            fixed.permutation(len(FIRST_NAMES) * 8),
            fixed.integers(0, len(LAST_NAMES), len(FIRST_NAMES) * 8),
            strict=True,
        )
    )
    places = [city.title() if city.upper() == city else city for city, _ in PLACES]
    orgs = _unique(f"{k} of {t}" if k == "Ministry" else f"{t} {k}" for k in ORG_KINDS for t in ORG_TOPICS)
    return people, places, orgs


def _variant_table(base: list[str]) -> np.ndarray:
    """Every base token in its six variants, variant-major (index = variant * len(base) + base)."""
    caps = [w[0].upper() + w[1:] for w in base]
    return np.array(
        [*base, *caps, *(w + "," for w in base), *(w + "." for w in base), *("“" + c for c in caps)]
        + [w + ",”" for w in base],
        dtype=object,
    )


def _zipf_lut(n: int, offset: float) -> np.ndarray:
    # A quantised inverse CDF: sampling is one integer draw and one lookup, no binary search.
    cdf = np.cumsum(1.0 / (np.arange(n) + offset))
    grid = (np.arange(LUT_SIZE) + 0.5) / LUT_SIZE
    return np.minimum(np.searchsorted(cdf / cdf[-1], grid), n - 1).astype(np.int64)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """Build the token tables; deterministic (no randomness beyond a fixed-seed shuffle)."""
    function = _unique(FUNCTION)
    fixed = np.random.default_rng(20241116)
    content = _content(function, fixed)
    words = function + content
    people, places, orgs = _entities(fixed)
    base = words + people + places + orgs
    index = {w: i for i, w in enumerate(words)}
    ne = len(words)
    return Vocab(
        n_function=len(function),
        n_words=ne,
        table=_variant_table(base),
        n_base=len(base),
        function_lut=_zipf_lut(len(function), 1.5),
        content_lut=len(function) + _zipf_lut(len(content), 8.0),
        section_idx={s: np.array([index[w] for w in ws if w in index]) for s, ws in SECTIONS.items()},
        person_idx=np.arange(ne, ne + len(people)),
        place_idx=np.arange(ne + len(people), ne + len(people) + len(places)),
        org_idx=np.arange(ne + len(people) + len(places), len(base)),
        said=index["said"],
    )
