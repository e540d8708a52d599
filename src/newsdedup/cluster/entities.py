"""Event-specific terms of story clustering: cheap proxies for named entities, weighted apart from the
common vocabulary of a kind of event.

Two earthquakes, two shootings or two acquisitions are written with the same words; what tells them apart
is what is specific to each: the names of people, firms and places, the numbers (magnitude, death toll,
price), the years. Without a tagger (no model at run time) such terms are found by their shape in the
document's own text:

- capitalised words that do not open a sentence (``entity_terms``): a word capitalised at the start of a
  sentence counts only when the document also capitalises it elsewhere; an all-capital word (a dateline
  place, ``ANKARA``; an acronym) counts wherever it stands. Stop words, month and weekday names never
  count. German capitalises every noun, so there only a run of two or more capitalised words (``Deutsche
  Bank``) or an all-capital word counts. Scripts without case (Chinese, Japanese, Thai, Arabic, ...) give
  none, so their entity terms are their numbers (and the capitalised Latin words they quote).
- numbers and years: every matching-text token with a digit (``7.8`` -> ``78``, ``12,000`` -> ``12000``).

Without the raw body (the history window, whose matching text is lower case) the capitalised words are
read from the headline, when the headline is not in title case. Each entity term is one of the document's
ordinary terms; ``boost_entities`` multiplies its weight by ``1 + entity_weight`` before a document's
heaviest terms are kept, so the names and numbers weigh more in the story vector, its IDF cut and cosine,
and the template words of the kind less.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from newsdedup.cluster.kernels.terms import token_hashes
from newsdedup.cluster.languages import base_language, stop_words_for
from newsdedup.text.normalize import normalize_many

__all__ = [
    "ENTITY_MARK",
    "ENTITY_MAX_DF",
    "ENTITY_MIN_DF",
    "ENTITY_SALT",
    "entity_entries",
    "entity_hashes",
    "entity_terms",
    "merge_entity_columns",
]

#: An entity entry's term: its word's folded hash xor this; its vocabulary word: ENTITY_MARK + the word.
ENTITY_SALT = 0x9E3779B9
ENTITY_MARK = "\x1f"
#: An entity term weighs extra only in at most max(ENTITY_MIN_DF, ENTITY_MAX_DF x n) of a run's n
#: documents: a name many stories share (a head of state, a capital) tells no event apart.
ENTITY_MIN_DF = 4
ENTITY_MAX_DF = 0.01

#: Languages that capitalise every noun: a single capitalised word says nothing there.
NOUN_CAPITALISING = frozenset({"de", "lb"})

#: Capitalised but common to every event: month and weekday names (the languages with case the job
#: meets most; the year of a date is kept as a number).
_CALENDAR = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
        "januar",
        "februar",
        "märz",
        "mai",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
    ]
)

# A word that may be capitalised: starts with a letter other than a-z (upper case checked after).
_WORD = re.compile(r"[^\W\da-z_][\w'’.-]*")
# What ends a sentence or opens a quote, line or paren: the next capitalised word is sentence-initial.
_OPENERS = frozenset('.!?:;\n"“”«»„()[]—–-•*|')
# Numbers in matching text: any token with a digit.
_NUMBER = re.compile(r"\S*\d\S*")


def entity_terms(title: str, body: str | None, match_text: str, language: str | None) -> list[str]:
    """The entity-like terms of one document, as matching-text tokens (sorted, distinct).

    ``body``: the raw body (None when not at hand: then the headline's capitalised words are used when
    the headline is in sentence case); ``match_text``: its matching text (numbers are read there);
    ``language``: ISO 639-1 code or None.
    """
    lang = base_language(language) if isinstance(language, str) else "en"
    if body:
        words = _capitalised(body, lang)
    elif title and not _title_case(title):
        words = _capitalised(title, lang)
    else:
        words = []
    stop = stop_words_for(lang if lang else "en")
    found = {t for t in " ".join(normalize_many(words)).split() if len(t) > 1 and t not in stop}
    found -= _CALENDAR
    found.update(t for t in _NUMBER.findall(match_text) if len(t) > 1)
    return sorted(found)


def _capitalised(text: str, lang: str) -> list[str]:
    """The capitalised words of ``text`` that are names by the rules of the module docstring."""
    spans: list[tuple[int, int, str, bool]] = []  # (start, end, word, sentence-initial)
    for m in _WORD.finditer(text):
        w = m.group().rstrip(".-'’")
        if not w or not w[0].isupper():
            continue
        spans.append((m.start(), m.start() + len(w), w, _initial(text, m.start())))
    inside = {w for _, _, w, initial in spans if not initial}
    nouns = lang in NOUN_CAPITALISING
    out: list[str] = []
    for k, (_, _, w, initial) in enumerate(spans):
        shouting = len(w) > 1 and w.isupper()
        if nouns and not shouting and not _in_run(spans, k, text):
            continue
        if shouting or not initial or w in inside:
            out.append(w)
    return out


def _initial(text: str, at: int) -> bool:
    """Whether the word at ``at`` opens a sentence, line, quote or parenthesis."""
    p = at - 1
    while p >= 0 and text[p] in " \t\r":
        p -= 1
    return p < 0 or text[p] in _OPENERS


def _in_run(spans: list[tuple[int, int, str, bool]], k: int, text: str) -> bool:
    """Whether capitalised word ``k`` is next to another (one space apart) that does not open a sentence:
    part of a multi-word name (``Deutsche Bank``, not ``Die Regierung``)."""
    start, end = spans[k][0], spans[k][1]
    before = k > 0 and spans[k - 1][1] + 1 == start and text[spans[k - 1][1]] == " " and not spans[k - 1][3]
    after = k + 1 < len(spans) and end + 1 == spans[k + 1][0] and text[end] == " " and not spans[k][3]
    return bool(before or after)


def _title_case(title: str) -> bool:
    """Whether a headline capitalises most of its longer words (then capitals say nothing about names)."""
    words = [w for w in title.split() if len(w) > 3 and w[:1].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) * 2 > len(words)


def entity_hashes(terms: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """(document, folded 32-bit term hash) of each entity term of each document, as the featuriser hashes
    tokens (``kernels.terms``: 64-bit token hash, both halves folded), sorted by (document, hash)."""
    counts = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    flat = [t.encode("utf-8", "surrogatepass") for ts in terms for t in ts]
    if not flat:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint32)
    starts = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in flat], out=starts[1:])
    h = token_hashes(np.frombuffer(b"".join(flat), dtype=np.uint8), starts)
    folded = ((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    doc = np.repeat(np.arange(len(terms), dtype=np.int64), counts)
    order = np.lexsort((folded, doc))
    return doc[order], folded[order]


def entity_entries(
    indptr: np.ndarray,
    term: np.ndarray,
    val: np.ndarray,
    entities: tuple[np.ndarray, np.ndarray],
    weight: float,
    max_terms: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (CSR over documents: folded term hashes, weights, a pool larger than kept) cut to each
    document's ``max_terms`` heaviest terms (ties: the smaller hash), followed in each row by its entity
    entries: each entity term of the pool (``entity_hashes``) again, as term ``hash ^ ENTITY_SALT`` with
    ``weight`` times its weight, the ``max_terms // 4`` heaviest of them. Returns (indptr, term, val)."""
    n = len(indptr) - 1
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    key = (row << np.int64(32)) | term.astype(np.int64)
    is_ent = np.isin(key, (entities[0] << np.int64(32)) | entities[1].astype(np.int64))
    w_row, w_term, w_val = _top_rows(row, term, val, max_terms)
    e_row, e_term, e_val = _top_rows(
        row[is_ent], term[is_ent], val[is_ent] * np.float32(weight), max_terms // 4
    )
    e_term = e_term ^ np.uint32(ENTITY_SALT)
    all_row = np.concatenate([w_row, e_row])
    order = np.argsort(all_row, kind="stable")  # per row: its words, then its entity entries
    new_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_row, minlength=n), out=new_ptr[1:])
    return new_ptr, np.concatenate([w_term, e_term])[order], np.concatenate([w_val, e_val])[order]


def _top_rows(
    row: np.ndarray, term: np.ndarray, val: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` heaviest entries of each row (ties: the smaller term), by row then weight."""
    order = np.lexsort((term, -val, row))
    row_s = row[order]
    first = np.searchsorted(row_s, row_s, side="left")
    keep = order[np.arange(len(order)) - first < k]
    return row[keep], term[keep], val[keep]


def merge_entity_columns(
    W: sp.csr_matrix, terms: np.ndarray, max_df: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """The entity columns of W (terms marked ``ENTITY_MARK``) added to the columns of their words, and
    dropped: those in more than ``max_df`` documents first, as a name every story shares (a head of
    state, a capital) tells no event apart. A word without a column of its own takes its entity's.
    Returns (W, terms) with word columns only, in the order they had."""
    words = terms.astype(str)
    is_ent = np.char.startswith(words, ENTITY_MARK)
    if not is_ent.any():
        return W, terms
    df = np.bincount(W.indices, minlength=W.shape[1])
    plain = np.where(is_ent, np.char.lstrip(words, ENTITY_MARK), words)
    kept_word = ~is_ent
    missing = is_ent & (df <= max_df) & ~np.isin(plain, words[kept_word])
    keep = kept_word | missing
    new_terms = plain[keep]
    col_of = {w: i for i, w in enumerate(new_terms.tolist())}
    src = np.flatnonzero(keep | (is_ent & (df <= max_df)))
    dst = np.array([col_of[w] for w in plain[src].tolist()], dtype=np.int64)
    P = sp.csr_matrix((np.ones(len(src), dtype=W.dtype), (src, dst)), shape=(W.shape[1], int(keep.sum())))
    out = sp.csr_matrix(W @ P)
    out.sort_indices()
    return out, new_terms.astype(object)
