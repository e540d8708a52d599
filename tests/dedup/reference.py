"""Plain reference versions of rules whose production form is vectorised or compiled: the tests check the fast
form against these."""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdedup.dedup.canonical import DocKeys
from newsdedup.dedup.minhash import fmix64


def choose_canonical(members: np.ndarray, keys: DocKeys, rule: tuple[str, ...]) -> tuple[int, str]:
    """Pick the canonical among ``members`` (indices) by ``rule``; return ``(index, reason)``.

    Criteria are applied in order, each keeping only the best candidates; the reason names the first
    criterion that left a single candidate, with the winning value. "id" (article_id order) always ends
    the rule, so the choice is total.
    """
    if len(members) == 1:
        return int(members[0]), "only member"
    cand = np.asarray(members)
    full_rule = (*rule, "id") if "id" not in rule else rule
    for criterion in full_rule:
        vals = rule_values(criterion, cand, keys)
        cand = cand[vals == vals.min()]
        if len(cand) == 1:
            return int(cand[0]), reason(criterion, int(cand[0]), keys)
    raise AssertionError("unreachable: 'id' always decides")  # pragma: no cover


def rule_values(criterion: str, docs: np.ndarray, keys: DocKeys) -> np.ndarray:
    """Sort key of ``criterion`` for ``docs`` (smaller is better); "id" is the internal index (id order)."""
    if criterion == "earliest":
        return keys.pub_ns[docs]
    if criterion == "longest":
        return -keys.body_len[docs]
    if criterion == "preferred_source":
        return keys.source_rank[docs]
    return docs


def reason(criterion: str, w: int, keys: DocKeys) -> str:
    """Why ``w`` won on ``criterion``."""
    if criterion == "earliest":
        stamp = pd.Timestamp(int(keys.pub_ns[w]), tz="UTC").strftime("%Y-%m-%dT%H:%MZ")
        return f"earliest published_at ({stamp})"
    if criterion == "longest":
        return f"longest body ({int(keys.body_len[w])} chars)"
    if criterion == "preferred_source":
        return f"preferred source ({keys.sources[w]})"
    return f"lowest article_id ({keys.ids[w]})"


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 bucket keys in numpy, band by band: FNV-1a-style mixing of the band's values with an
    extra shift, one uint64 per row of each band (the Dask engine's former implementation)."""
    out = np.empty((sig.shape[0], bands), dtype=np.uint64)
    for b in range(bands):
        band = sig[:, b * rows : (b + 1) * rows]
        acc = np.full(band.shape[0], np.uint64(0xCBF29CE484222325), dtype=np.uint64)
        for j in range(band.shape[1]):
            acc ^= band[:, j].astype(np.uint64)
            acc *= np.uint64(0x100000001B3)
            acc ^= acc >> np.uint64(29)
        out[:, b] = acc
    return out


# Masks keeping the first k bytes (little-endian) of a uint64 word, k = 0..8.
_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_WORD_MULT = np.uint64(0x9E3779B97F4A7C15)
_MERSENNE = np.uint64((1 << 61) - 1)


def word_units(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Hash the whitespace-separated tokens of UTF-8 texts; return ``(token_hashes, tokens_per_doc)``.

    A token's hash mixes its byte length with its bytes read as little-endian uint64 words (a strided,
    unaligned uint64 view of the byte buffer, so each word is one gather per token): the words at
    offsets 0, 8, 16 and 24 that the token reaches and, for tokens longer than 32 bytes, the last 8 bytes. Equal tokens always
    hash equal; two distinct tokens longer than 32 bytes that differ only in the middle collide, which
    normalised news text does not produce in practice (such "tokens" are smashed URLs).
    """
    n = len(encoded)
    joined = b" ".join(encoded)
    pad = b"\0" * 40
    raw = np.frombuffer(joined + pad, dtype=np.uint8)
    buf = raw[: len(joined)]
    if len(buf) == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(n, dtype=np.int64)
    # Separators: space and ASCII control characters (a compare is cheaper than a lookup table).
    # Space flags framed by a virtual separator on each side: status changes alternate token start / end.
    framed = np.ones(len(buf) + 2, dtype=bool)
    np.less_equal(buf, 0x20, out=framed[1:-1])
    changes = np.flatnonzero(framed[1:] != framed[:-1])
    starts, ends = changes[0::2], changes[1::2]
    length = ends - starts
    words = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))
    h = length.astype(np.uint64) * _WORD_MULT
    # Word k of a token is mixed in only when the token is longer than 8k bytes: a per-token condition, so
    # a token's hash never depends on the other tokens of its block; most tokens need one round only.
    capped_len = np.minimum(length, 8)
    h ^= words[starts] & _BYTE_MASKS[capped_len]
    h *= _WORD_MULT
    h ^= h >> np.uint64(32)
    for k in (1, 2, 3):
        sel = np.flatnonzero(length > 8 * k)
        if len(sel) == 0:
            break
        hs = h[sel] ^ (words[starts[sel] + 8 * k] & _BYTE_MASKS[np.minimum(length[sel] - 8 * k, 8)])
        hs *= _WORD_MULT
        hs ^= hs >> np.uint64(32)
        h[sel] = hs
    long_ = np.flatnonzero(length > 32)
    if len(long_):
        h[long_] = (h[long_] ^ words[ends[long_] - 8]) * _WORD_MULT
    # Tokens per document: documents are joined by one space, so doc i's bytes start at cum_len + i.
    doc_start = np.zeros(n + 1, dtype=np.int64)
    doc_start[1:] = np.cumsum(np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=n))
    lengths = np.diff(np.searchsorted(starts, doc_start)).astype(np.int64)
    # Every step above is a bijection of the 64-bit state, so no extra finaliser is needed here.
    return h, lengths


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 32-bit finaliser on a uint32 array (datasketch's pre-mix for "affine32")."""
    h = h.astype(np.uint32, copy=True)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def signature_block(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, scheme: str, out: np.ndarray
) -> None:
    """Fill ``out`` (docs of this block x num_perm) with the MinHash of each document's shingles."""
    lengths = np.diff(offsets)
    nonempty = lengths > 0
    if scheme == "affine32":
        h = fmix32(hashes)
        buf = np.empty(len(h), dtype=np.uint32)
    elif scheme == "affine64":
        h = fmix64(hashes.astype(np.uint64))
        buf = np.empty(len(h), dtype=np.uint64)
    else:
        h = hashes.astype(np.uint64)
        buf = np.empty(len(h), dtype=np.uint64)
    starts = (offsets[:-1] - offsets[0])[nonempty]
    if len(h) == 0:
        return
    with np.errstate(over="ignore"):
        for k in range(len(a)):
            np.multiply(h, a[k], out=buf)
            np.add(buf, b[k], out=buf)
            if scheme == "legacy":
                np.remainder(buf, _MERSENNE, out=buf)
                np.bitwise_and(buf, np.uint64(0xFFFFFFFF), out=buf)
            out[nonempty, k] = np.minimum.reduceat(buf, starts)
