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
  Bank``), an all-capital word, or a lone word that follows no article or determiner and has no
  common-noun ending (``gegen Leverkusen``, not ``der Stürmer`` nor ``Regierung``) counts. Scripts
  without case (Chinese, Japanese, Thai, Arabic, ...) give none, so their entity terms are their numbers
  (and the capitalised Latin words they quote).
- numbers and years: in the raw body every number but scores and clock times (``3:1``, ``10:30``), as
  matching text writes it (``7.8`` -> ``78``, ``12,000`` -> ``12000``); without the body every
  matching-text token of three or more characters with a digit (there ``31`` may have been ``3:1``).

Without the raw body (the history window, whose matching text is lower case) the capitalised words are
read from the headline, when the headline is not in title case.

Weighing them apart: at featurisation (``entity_entries``) each entity term of a document is stored a
second time, as an entry of its own (the word's hash xor ``ENTITY_SALT``, vocabulary word ``ENTITY_MARK``
+ the word) weighing ``entity_weight`` times the word. At cluster time (``graph.feature_matrix``) the
entries are selected beside the words, then ``merge_entity_columns`` adds each entity column found in 2 to
``entity_max_df(n)`` documents to its word's column and drops the rest: a name shared by a few articles
(one event's outlets) weighs ``1 + entity_weight`` times, a name most stories share weighs as a word.
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
    "ENTITY_SALT",
    "ENTITY_TERMS",
    "entity_entries",
    "entity_hashes",
    "entity_max_df",
    "entity_terms",
    "has_entities",
    "merge_entity_columns",
]

#: An entity entry's term: its word's folded hash xor this; its vocabulary word: ENTITY_MARK + the word.
ENTITY_SALT = 0x9E3779B9
ENTITY_MARK = "\x1f"
#: Entity entries kept per document at most (its heaviest entity terms).
ENTITY_TERMS = 25
#: An entity term weighs extra only in at most ``entity_max_df(n)`` of a run's n documents: a name many
#: articles share (a head of state, a capital, the town of a local paper) tells no event apart. The cap is
#: ENTITY_MAX_DF (a story told by a few outlets), but in a small run at most n / ENTITY_SMALL_RUN (a name in
#: 4 of 12 articles is common there). A cap growing with n let names drawn by chance into a few stories
#: merge them (docs/benchmarks.md, "Event-specific features").
ENTITY_MAX_DF = 6
ENTITY_SMALL_RUN = 4
#: The extra weight of entity terms is scaled by n / (n + ENTITY_PRIOR_DOCS) in a run of n documents: in a
#: run of a dozen articles a shared name is as likely a coincidence (the town of a local paper) as a story.
ENTITY_PRIOR_DOCS = 20
#: A row with fewer word terms than this (a headline, a one-line lead) gets no entity weight: short texts
#: are matched by the length-adapted similarity (``cluster.short``), where one boosted name among a
#: headline's 6-15 terms would outweigh the rest and join the stories of one subject.
ENTITY_MIN_TERMS = 20


def entity_max_df(n: int) -> int:
    """The most documents of a run of ``n`` an entity term may be in and still weigh extra (at least 2)."""
    return max(2, min(ENTITY_MAX_DF, n // ENTITY_SMALL_RUN))


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

# German words before a common noun, and endings of common nouns (a lone capitalised word after one of
# these, or with one of these endings, is taken for a noun, not a name).
_GERMAN_DETERMINERS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "sein",
        "seine",
        "seinen",
        "seinem",
        "seiner",
        "ihr",
        "ihre",
        "ihren",
        "ihrem",
        "ihrer",
        "unser",
        "unsere",
        "dieser",
        "diese",
        "dieses",
        "diesen",
        "diesem",
        "jeder",
        "jede",
        "jedes",
        "jeden",
        "jedem",
        "alle",
        "allen",
        "vom",
        "zum",
        "zur",
        "im",
        "am",
        "beim",
        "ins",
        "ans",
        "neue",
        "neuen",
        "neuer",
        "neues",
    ]
)
_GERMAN_NOUN_ENDINGS = (
    "ung", "heit", "keit", "schaft", "tion", "ität", "nis", "tum", "ismus", "ler", "chen", "ium", "ik",
    "ungen", "heiten", "keiten", "schaften", "tionen", "nisse",
)  # fmt: skip
# A word that may be capitalised: starts with a letter other than a-z (upper case checked after).
_WORD = re.compile(r"[^\W\da-z_][\w'’.-]*")
# What ends a sentence or opens a quote, line or paren: the next capitalised word is sentence-initial.
_OPENERS = frozenset('.!?:;\n"“”«»„()[]—–-•*|')
# Numbers in a raw body, as written (7.1, 12,000, 2019): not a score or a clock time (3:1, 10:30), which
# many events share.
_RAW_NUMBER = re.compile(r"\d(?<![\d:]\d)\d*(?:[.,]\d+)*(?![\d:])")
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
    if body:
        found.update(t for t in normalize_many(_RAW_NUMBER.findall(body)) if len(t) > 1)
    else:  # "31" may have been a score "3:1": only longer numbers
        found.update(t for t in _NUMBER.findall(match_text) if len(t) > 2)
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
        if nouns and not shouting and not _in_run(spans, k, text) and not _german_name(text, spans[k]):
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


def _german_name(text: str, span: tuple[int, int, str, bool]) -> bool:
    """Whether a lone capitalised German word is likely a name rather than a common noun: it does not open a
    sentence, follows no article or determiner (``der Stürmer``) and has no common-noun ending (``-ung``)."""
    start, _, word, initial = span
    if initial or word.lower().endswith(_GERMAN_NOUN_ENDINGS):
        return False
    before = text[max(0, start - 12) : start].split()
    return not before or before[-1].lower() not in _GERMAN_DETERMINERS


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
    ``weight`` times its weight, the ``ENTITY_TERMS`` heaviest of them. Returns (indptr, term, val)."""
    n = len(indptr) - 1
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    key = (row << np.int64(32)) | term.astype(np.int64)
    is_ent = np.isin(key, (entities[0] << np.int64(32)) | entities[1].astype(np.int64))
    w_row, w_term, w_val = _top_rows(row, term, val, max_terms)
    e_row, e_term, e_val = _top_rows(
        row[is_ent], term[is_ent], val[is_ent] * np.float32(weight), ENTITY_TERMS
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


def has_entities(words: np.ndarray) -> bool:
    """Whether a vocabulary (words of features or columns) has entity entries."""
    return bool(len(words)) and bool(np.char.startswith(words.astype(str), ENTITY_MARK).any())


def merge_entity_columns(
    W: sp.csr_matrix, terms: np.ndarray, max_df: int, max_terms: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """The entity columns of W (terms marked ``ENTITY_MARK``) added to the columns of their words, and
    dropped: those in more than ``max_df`` documents first, as a name every story shares (a head of
    state, a capital) tells no event apart, and those in one document only, which link nothing and would
    only lower that document's cosines. A word without a column of its own takes its entity's.
    Headline-sized rows (fewer than ``ENTITY_MIN_TERMS`` word entries) lose their entity entries: the
    length-adapted similarity (``cluster.short``) already lets them merge on a name or two, and a boosted
    name among a headline's few terms joins every story of its subject ("Fed").
    Returns (W, terms) with word columns only, in the order they had."""
    words = terms.astype(str)
    is_ent = np.char.startswith(words, ENTITY_MARK)
    if not is_ent.any():
        return W, terms
    W = _without_short_rows_entities(W, is_ent, ENTITY_MIN_TERMS)
    df = np.bincount(W.indices, minlength=W.shape[1])
    plain = np.where(is_ent, np.char.lstrip(words, ENTITY_MARK), words)
    kept_word = ~is_ent
    useful = is_ent & (df >= 2) & (df <= max_df)
    missing = useful & ~np.isin(plain, words[kept_word])
    keep = kept_word | missing
    new_terms = plain[keep]
    col_of = {w: i for i, w in enumerate(new_terms.tolist())}
    src = np.flatnonzero(keep | useful)
    dst = np.array([col_of[w] for w in plain[src].tolist()], dtype=np.int64)
    # entity columns count n / (n + ENTITY_PRIOR_DOCS) of their weight: in a tiny run a shared name says little
    n = W.shape[0]
    scale = np.where(is_ent[src], n / (n + ENTITY_PRIOR_DOCS), 1.0).astype(W.dtype)
    P = sp.csr_matrix((scale, (src, dst)), shape=(W.shape[1], int(keep.sum())))
    out = sp.csr_matrix(W @ P)
    # each row's max_terms best by weight x IDF: the entity entries were selected beside the words
    # (graph.feature_matrix asks for ENTITY_TERMS more), so they never pushed a word out
    df_out = np.bincount(out.indices, minlength=out.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df_out)) + 1.0
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(out.indptr))
    col = out.indices.astype(np.int64)
    r, c, v = _top_rows_by(row, col, out.data, out.data * idf[col], max_terms)
    out = sp.csr_matrix((v, (r, c)), shape=out.shape, dtype=W.dtype)
    out.sort_indices()
    return out, new_terms.astype(object)


def _without_short_rows_entities(W: sp.csr_matrix, is_ent: np.ndarray, min_terms: int) -> sp.csr_matrix:
    """W without the entity entries of rows with fewer than ``min_terms`` word entries."""
    row = np.repeat(np.arange(W.shape[0], dtype=np.int64), np.diff(W.indptr))
    ent_entry = is_ent[W.indices]
    short = np.bincount(row[~ent_entry], minlength=W.shape[0]) < min_terms
    drop = ent_entry & short[row]
    if not drop.any():
        return W
    out = sp.csr_matrix((np.where(drop, 0, W.data).astype(W.dtype), W.indices, W.indptr), shape=W.shape)
    out.eliminate_zeros()
    return out


def _top_rows_by(
    row: np.ndarray, col: np.ndarray, val: np.ndarray, score: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` entries of each row best by ``score`` (ties: the smaller column)."""
    order = np.lexsort((col, -score, row))
    row_s = row[order]
    keep = order[np.arange(len(order)) - np.searchsorted(row_s, row_s, side="left") < k]
    return row[keep], col[keep], val[keep]
