"""Compiled featurisation of story clustering (see ``cluster.features.story_features``): each document's
weighted terms from its own UTF-8 bytes.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from newsdedup.cluster.kernels.rank import top_k
from newsdedup.jit import njit
from newsdedup.text.kernels import fmix64, token_hash

__all__ = ["doc_terms", "token_hashes"]


class _DocTable(NamedTuple):
    """Scratch of one document in ``doc_terms``: its distinct tokens (entries) and their counts.

    ``slot_stamp``/``slot_ent``: an open-addressing table from a token hash to its entry, a slot being in use
    for document i when stamped i. Per entry: its 64-bit hash ``keys``, whether it is a stop word, its
    counts in the body (``cb``), lead (``cl``) and title (``ct``), the place of its first occurrence in the
    buffer (``off``, ``length``) and its weight ``val``.
    """

    slot_stamp: np.ndarray
    slot_ent: np.ndarray
    keys: np.ndarray
    stopped: np.ndarray
    cb: np.ndarray
    cl: np.ndarray
    ct: np.ndarray
    off: np.ndarray
    length: np.ndarray
    val: np.ndarray


class _Terms(NamedTuple):
    """The output of ``doc_terms`` while it is filled: CSR ``indptr`` over documents; per kept term its
    64-bit hash, weight and place in the buffer; tokens per body."""

    indptr: np.ndarray
    h: np.ndarray
    v: np.ndarray
    off: np.ndarray
    length: np.ndarray
    n_tok: np.ndarray


@njit
def _fold32(h: np.uint64) -> np.uint32:
    """The 32-bit term hash stored in the features: both halves of the 64-bit token hash."""
    return np.uint32((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF))


@njit
def _is_word_byte(c: int) -> bool:
    """A byte of a word: ASCII letter, digit or underscore, or any byte of a non-ASCII character."""
    return c >= 0x80 or (0x30 <= c <= 0x39) or (0x61 <= c <= 0x7A) or (0x41 <= c <= 0x5A) or c == 0x5F


@njit
def token_hashes(buf: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The 64-bit hash ``doc_terms`` gives each token ``buf[starts[i]:starts[i + 1]]`` (lower-case bytes)."""
    n = len(starts) - 1
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i] = fmix64(token_hash(buf, starts[i], starts[i + 1]))
    return out


@njit
def _sub(table: np.ndarray, c: int) -> float:
    """Sublinear term frequency ``1 + log(c)`` (0 for c = 0), from ``table`` when c is small."""
    if c < len(table):
        return table[c]
    return 1.0 + math.log(c)


@njit
def doc_terms(
    buf: np.ndarray,
    body: np.ndarray,
    title: np.ndarray,
    stop: np.ndarray,
    lead_words: int,
    lead_weight: float,
    title_weight: float,
    max_terms: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each document's weighted terms, from its own text alone (the featurisation of ``cluster.story_features``).

    ``buf``: UTF-8 of all texts, lower-cased here in place (ASCII letters); document i's body is
    ``buf[body[i]:body[i + 1]]`` and its title ``buf[title[i]:title[i + 1]]``. Tokens are runs of word bytes
    (ASCII letters, digits, ``_``, any non-ASCII byte) of at least two characters, which is what the regex
    ``\\b\\w\\w+\\b`` finds in matching text; tokens whose 64-bit hash is in ``stop`` (sorted) are dropped after
    they count towards the lead position. Weight of a term: ``1 + log(count)`` per part (body, lead = the
    first ``lead_words`` tokens, title), each part L2-normalised, summed with weights 1, ``lead_weight``,
    ``title_weight``. The ``max_terms`` heaviest terms are kept (ties: the smaller 64-bit hash), in hash order.

    Returns (indptr, term (uint32: the 64-bit hash folded), weight (float32), the distinct kept terms'
    folded hashes, their words (lower-case UTF-8, newline-separated, in that order), tokens per body).
    """
    n = len(body) - 1
    longest = 16
    for i in range(n):
        longest = max(longest, body[i + 1] - body[i] + title[i + 1] - title[i])
    _lower_ascii(buf)
    stop_set = _stop_set(stop)
    word = np.zeros(256, dtype=np.bool_)
    for c in range(256):
        word[c] = _is_word_byte(c)
    # 1 + log(count), looked up: computing the logs dominated the weighting.
    sub = np.empty(4096, dtype=np.float64)
    sub[0] = 0.0
    for c in range(1, 4096):
        sub[c] = 1.0 + math.log(c)
    cap = 16
    while cap < longest:
        cap *= 2
    m_max = longest // 2 + 2
    tbl = _DocTable(
        np.full(cap, -1, dtype=np.int64),
        np.empty(cap, dtype=np.int64),
        np.empty(m_max, dtype=np.uint64),
        np.empty(m_max, dtype=np.bool_),
        np.empty(m_max, dtype=np.int64),
        np.empty(m_max, dtype=np.int64),
        np.empty(m_max, dtype=np.int64),
        np.empty(m_max, dtype=np.int64),
        np.empty(m_max, dtype=np.int64),
        np.empty(m_max, dtype=np.float64),
    )
    c_val = np.empty(m_max, dtype=np.float64)
    c_tie = np.empty(m_max, dtype=np.int64)
    c_neg = np.empty(m_max, dtype=np.float64)
    hj = np.empty(max(max_terms, m_max, 1), dtype=np.int64)
    sel = np.empty(max(max_terms, 1), dtype=np.int64)
    out = _Terms(
        np.zeros(n + 1, dtype=np.int64),
        np.empty(n * max_terms, dtype=np.uint64),
        np.empty(n * max_terms, dtype=np.float32),
        np.empty(n * max_terms, dtype=np.int64),
        np.empty(n * max_terms, dtype=np.int32),
        np.zeros(n, dtype=np.int64),
    )
    o = 0
    for i in range(n):
        # A table sized for this document (at most one distinct token per three bytes, kept under half
        # full): a small document's probes stay in cache. Slots of earlier documents have older stamps.
        dmax = (body[i + 1] - body[i] + title[i + 1] - title[i] + 1) // 3 + 2
        dcap = 16
        while dcap < 2 * dmax and dcap < cap:
            dcap *= 2
        nd = _count_doc(buf, body, title, i, tbl, stop_set, word, dcap - 1, lead_words, out.n_tok)
        n_cand = _weigh(tbl, nd, sub, lead_weight, title_weight, c_val, c_tie)
        size = top_k(c_val, c_tie, n_cand, max_terms, hj, c_neg)
        o = _emit(tbl, hj, sel, size, out, o)
        out.indptr[i + 1] = o
    vterm, words = _vocabulary(buf, out, o)
    term = np.empty(o, dtype=np.uint32)
    for u in range(o):
        term[u] = _fold32(out.h[u])
    return out.indptr, term, out.v[:o], vterm, words, out.n_tok


@njit
def _lower_ascii(buf: np.ndarray) -> None:
    """ASCII upper case to lower case, in place (matching text is case-folded; titles need it)."""
    for p in range(np.uint64(len(buf))):
        c = buf[p]
        if 0x41 <= c <= 0x5A:
            buf[p] = c + 32


@njit
def _stop_set(stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stop words' hashes as an open-addressing set (keys, used): one probe mostly, where a binary
    search of the sorted hashes was a large share of the featurisation."""
    scap = 64
    while scap < 4 * len(stop):
        scap *= 2
    smask = scap - 1
    s_key = np.zeros(scap, dtype=np.uint64)
    s_used = np.zeros(scap, dtype=np.bool_)
    for u in range(len(stop)):
        slot = np.int64(stop[u] & np.uint64(smask))
        while s_used[slot] and s_key[slot] != stop[u]:
            slot = (slot + 1) & smask
        s_used[slot] = True
        s_key[slot] = stop[u]
    return s_key, s_used


@njit
def _count_doc(
    buf: np.ndarray,
    body: np.ndarray,
    title: np.ndarray,
    i: int,
    tbl: _DocTable,
    stop_set: tuple[np.ndarray, np.ndarray],
    word: np.ndarray,
    mask: int,
    lead_words: int,
    n_tok: np.ndarray,
) -> int:
    """Count the tokens of document i's body (with its lead) and title into ``tbl`` (a table of ``mask + 1``
    slots); sets ``n_tok[i]`` to the body's tokens and returns the number of distinct tokens (entries)."""
    slot_stamp, slot_ent, keys, stopped, cb, cl, ct, e_off, e_len, _ = tbl
    s_key, s_used = stop_set
    smask = len(s_key) - 1
    nd = 0
    for part in range(2):
        lo = body[i] if part == 0 else title[i]
        hi = body[i + 1] if part == 0 else title[i + 1]
        pos = 0
        p = lo
        while p < hi:
            # unsigned byte indices: with a signed one numba checks each read for a negative index, which
            # slows these scans down
            while p < hi and not word[buf[np.uint64(p)]]:
                p += 1
            s = p
            while p < hi and word[buf[np.uint64(p)]]:
                p += 1
            if p - s < 5:  # fewer than two characters only if short: count UTF-8 lead bytes
                chars = 0
                for q in range(s, p):
                    if buf[q] < 0x80 or buf[q] >= 0xC0:
                        chars += 1
                if chars < 2:
                    continue
            # finalised: the token hash alone mixes its last word weakly (its 32-bit fold collided)
            h = fmix64(token_hash(buf, s, p))
            slot = np.int64(h & np.uint64(mask))
            while slot_stamp[slot] == i and keys[slot_ent[slot]] != h:
                slot = (slot + 1) & mask
            if slot_stamp[slot] != i:
                slot_stamp[slot] = i
                slot_ent[slot] = nd
                keys[nd] = h
                sq = np.int64(h & np.uint64(smask))
                while s_used[sq] and s_key[sq] != h:
                    sq = (sq + 1) & smask
                stopped[nd] = s_used[sq]
                cb[nd] = 0
                cl[nd] = 0
                ct[nd] = 0
                e_off[nd] = s
                e_len[nd] = p - s
                nd += 1
            e = slot_ent[slot]
            if part == 0:
                cb[e] += 1
                if pos < lead_words:
                    cl[e] += 1
                pos += 1
            else:
                ct[e] += 1
        if part == 0:
            n_tok[i] = pos
    return nd


@njit
def _weigh(
    tbl: _DocTable,
    nd: int,
    sub: np.ndarray,
    lead_weight: float,
    title_weight: float,
    c_val: np.ndarray,
    c_tie: np.ndarray,
) -> int:
    """Weigh the ``nd`` entries of ``tbl`` (body, lead and title each L2-normalised, the lead and the title
    weighted) into ``tbl.val``, and list those with a positive weight as candidates (``c_val``, tie key ``c_tie``); returns
    how many."""
    keys, stopped, cb, cl, ct, e_val = tbl.keys, tbl.stopped, tbl.cb, tbl.cl, tbl.ct, tbl.val
    nb = 0.0
    nl = 0.0
    nt = 0.0
    for e in range(nd):
        if stopped[e]:
            continue
        vb = _sub(sub, cb[e])
        vl = _sub(sub, cl[e])
        vt = _sub(sub, ct[e])
        nb += vb * vb
        nl += vl * vl
        nt += vt * vt
    fb = 1.0 / math.sqrt(nb) if nb > 0 else 0.0
    fl = lead_weight / math.sqrt(nl) if nl > 0 else 0.0
    ft = title_weight / math.sqrt(nt) if nt > 0 else 0.0
    n_cand = 0
    for e in range(nd):
        if stopped[e]:
            continue
        v = _sub(sub, cb[e]) * fb + _sub(sub, cl[e]) * fl + _sub(sub, ct[e]) * ft
        if v <= 0.0:
            continue
        e_val[e] = v
        # Ties go to the smaller hash (its high 31 bits, then the entry), the same choice in every
        # document: documents sharing many equal-weight terms keep the same ones.
        c_val[n_cand] = v
        c_tie[n_cand] = int(np.int64(keys[e] >> np.uint64(33)) << np.int64(31) | np.int64(e))
        n_cand += 1
    return n_cand


@njit
def _emit(tbl: _DocTable, hj: np.ndarray, sel: np.ndarray, size: int, out: _Terms, o: int) -> int:
    """Write the chosen entries (tie keys ``hj[:size]``) in hash order to ``out`` from ``o``; returns the end."""
    for u in range(size):
        sel[u] = hj[u] & np.int64(0x7FFFFFFF)
    chosen = sel[:size]
    hsort = np.empty(size, dtype=np.uint64)
    for u in range(size):
        hsort[u] = tbl.keys[chosen[u]]
    order = np.argsort(hsort)
    for u in range(size):
        e = chosen[order[u]]
        out.h[o] = tbl.keys[e]
        out.v[o] = tbl.val[e]
        out.off[o] = tbl.off[e]
        out.length[o] = tbl.length[e]
        o += 1
    return o


@njit
def _vocabulary(buf: np.ndarray, out: _Terms, o: int) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary of the ``o`` kept terms: each distinct hash once (folded), with its first occurrence's
    bytes, all in one buffer separated by newlines (one decode in Python instead of one per word)."""
    out_h, out_off, out_len = out.h, out.off, out.length
    vcap = 16
    while vcap < 2 * o:
        vcap *= 2
    vmask = vcap - 1
    v_used = np.zeros(vcap, dtype=np.bool_)
    v_key = np.empty(vcap, dtype=np.uint64)
    voc_h = np.empty(o, dtype=np.uint64)
    n_voc = 0
    n_bytes = 0
    voc_e = np.empty(o, dtype=np.int64)
    for u in range(o):
        h = out_h[u]
        slot = np.int64(h & np.uint64(vmask))
        while v_used[slot] and v_key[slot] != h:
            slot = (slot + 1) & vmask
        if not v_used[slot]:
            v_used[slot] = True
            v_key[slot] = h
            voc_h[n_voc] = h
            voc_e[n_voc] = u
            n_voc += 1
            n_bytes += out_len[u] + 1
    words = np.empty(max(n_bytes - 1, 0), dtype=np.uint8)
    w = 0
    for u in range(n_voc):
        if u > 0:
            words[w] = 10
            w += 1
        e = voc_e[u]
        for q in range(out_off[e], out_off[e] + out_len[e]):
            words[w] = buf[q]
            w += 1
    vterm = np.empty(n_voc, dtype=np.uint32)
    for u in range(n_voc):
        vterm[u] = _fold32(voc_h[u])
    return vterm, words
