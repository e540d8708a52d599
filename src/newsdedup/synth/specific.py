"""Open-ended vocabularies: surnames, towns, organisation names and rare words made from syllables, drawn
with Zipf-like use, and the numbers and dates a story prints.

Real news carries most of what tells one story from another in words a fixed list cannot hold: names,
places, organisations, figures and dates, and a long tail of less common words. Here each is an integer
rank drawn from a large pool (about a million entries) with a Zipf-like law: a few names recur across
many stories, most are rare, and the corpus' vocabulary keeps growing with its size (Heaps' law), as real
vocabularies do. A rank becomes a word by a fixed bijective scramble and a syllable spelling, so nothing is
stored and any corpus size needs the same memory.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = [
    "POOL_BITS",
    "date_phrase",
    "figures",
    "org_names",
    "rare_words",
    "surnames",
    "town_names",
    "zipf_ranks",
]

#: Entries in each pool: 2**POOL_BITS.
POOL_BITS = 20
_MASK = (1 << POOL_BITS) - 1
_ONSETS = (
    *[
        "b",
        "br",
        "c",
        "ch",
        "d",
        "dr",
        "f",
        "fl",
        "g",
        "gr",
        "h",
        "j",
        "k",
        "kr",
        "l",
        "m",
        "n",
        "p",
        "pr",
        "r",
        "s",
        "sh",
        "sl",
        "st",
        "t",
        "tr",
        "v",
        "w",
        "z",
        "th",
    ],
    "",
)  # 30
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou")  # 8
_CODAS = ["", "n", "r", "l", "s", "m", "k", "t", "nd", "rt", "st", "x"]  # 12
_SYLLABLES = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]  # 2,880
_SYLLABLE_ARRAY = np.array(_SYLLABLES, dtype=object)
_CAPITAL_SYLLABLES = np.array([w[:1].upper() + w[1:] for w in _SYLLABLES], dtype=object)
_SURNAME_ENDS = ("", "ov", "ez", "ini", "sen", "ton", "berg", "ski", "ani", "ard", "wood", "ic", "os", "er")
_TOWN_ENDS = ("", "ford", "burg", "ville", "ton", "field", "haven", "mouth", "stad", " Heights", " Falls")
_ORG_ENDS = (" Group", " Holdings", " Systems", " Labs", " Foundation", " Partners", " Motors", " Energy")
_WORD_ENDS = ("", "ite", "ism", "ery", "ment", "ing", "ion", "al", "ic", "ure", "ance", "oid", "ar", "ent")
_MONTHS = tuple(dt.date(2000, m, 1).strftime("%B") for m in range(1, 13))
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zipf_ranks(rng: np.random.Generator, n: int, exponent: float, offset: float) -> np.ndarray:
    """``n`` ranks in ``[0, 2**POOL_BITS)`` with P(rank r) roughly proportional to (r + offset)**-exponent
    (the continuous law's inverse CDF: one uniform draw each, no table)."""
    u = rng.random(n)
    size = float(1 << POOL_BITS)
    if abs(exponent - 1.0) < 1e-9:
        r = offset * np.power((size + offset) / offset, u) - offset
    else:
        a = 1.0 - exponent
        lo, hi = offset**a, (size + offset) ** a
        r = np.power(lo + u * (hi - lo), 1.0 / a) - offset
    return np.clip(r.astype(np.int64), 0, (1 << POOL_BITS) - 1)


def _spell(ranks: np.ndarray, salt: int, ends: tuple[str, ...], capital: bool) -> list[str]:
    """Each rank as a pseudo-word: a fixed bijective scramble of the rank (odd multiplier modulo the pool
    size, so different ranks never share an id) spelt as two syllables and an ending."""
    ids = (np.asarray(ranks, dtype=np.int64) * 0x9E3779B1 + salt * 0x632BE5AB) & _MASK
    n_syl = len(_SYLLABLES)
    a, rest = np.divmod(ids, n_syl)  # a < 2**POOL_BITS / n_syl; (rest, a) is unique per id
    first = (_CAPITAL_SYLLABLES if capital else _SYLLABLE_ARRAY)[rest]
    second = _SYLLABLE_ARRAY[(7 * a + 13 * rest) % n_syl]
    end = np.array(ends, dtype=object)[(a + rest) % len(ends)]
    return list(first + second + end)


def surnames(ranks: np.ndarray) -> list[str]:
    return _spell(ranks, 1, _SURNAME_ENDS, capital=True)


def town_names(ranks: np.ndarray) -> list[str]:
    return _spell(ranks, 2, _TOWN_ENDS, capital=True)


def org_names(ranks: np.ndarray) -> list[str]:
    return _spell(ranks, 3, _ORG_ENDS, capital=True)


def rare_words(ranks: np.ndarray) -> list[str]:
    """Lower-case words of the long tail (a story's specific terms and the filler's rarer words)."""
    return _spell(ranks, 4, _WORD_ENDS, capital=False)


def figures(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` figures as news prints them: counts ("4,312"), shares ("27.5 percent"), sums ("$18 million")."""
    kind = rng.integers(0, 4, n).tolist()
    mag = np.power(10.0, rng.uniform(1.0, 5.5, n)).tolist()
    share = rng.uniform(0.5, 99.5, n).tolist()
    money = rng.integers(2, 999, n).tolist()
    out: list[str] = []
    for k, m, s, d in zip(kind, mag, share, money, strict=True):
        if k == 0:
            out.append(f"{int(m):,}")
        elif k == 1:
            out.append(f"{s:.1f} percent")
        elif k == 2:
            out.append(f"${d} million" if d < 500 else f"${d / 100:.1f} billion")
        else:
            out.append(f"{int(m) % 990 + 10} people")
    return out


def date_phrase(u: float, centre: dt.datetime) -> str:
    """A date the story's text mentions: its day ("March 14"), its weekday, or a day close before it."""
    day = centre - dt.timedelta(days=int(u * 10) % 4)
    if u < 0.5:
        return f"{_MONTHS[day.month - 1]} {day.day}"
    return f"on {_WEEKDAYS[day.weekday()]}"
