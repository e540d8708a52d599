"""Compiled kernels (numba) for the text stages, beside the pure-Python logic they speed up.

- :mod:`~newsdedup.text.kernels.scan`: which repairs a text needs (for :mod:`newsdedup.text.repair`);
- :mod:`~newsdedup.text.kernels.fold`: the matching form of text, NFKC stability (for
  :mod:`newsdedup.text.normalize`);
- :mod:`~newsdedup.text.kernels.hashing`: token and word-shingle hashes, MinHash rows (for
  :mod:`newsdedup.dedup.minhash`; the hash mixers are shared with the cluster kernels);
- :mod:`~newsdedup.text.kernels.swar`: the eight-bytes-at-a-time load the scanning kernels share.

Each kernel is compiled on its first call and cached on disk; :func:`warm_up` loads them before a run forks.
"""

from __future__ import annotations

import time

import numpy as np

from newsdedup.text.kernels.fold import (
    FOLD_COMPLEX,
    FOLD_DELETE,
    FOLD_SPACE,
    FOLD_UNKNOWN,
    STATUS_COMPLEX,
    STATUS_OK,
    STATUS_UNKNOWN,
    STATUS_UNSTABLE,
    fold_text,
    fold_texts,
    nfkc_stable,
)
from newsdedup.text.kernels.hashing import fmix32, fmix64, minhash_rows, token_hash, word_shingles
from newsdedup.text.kernels.scan import (
    SCAN_AMPERSAND,
    SCAN_CONTROL,
    SCAN_CR,
    SCAN_LINE_SEP,
    SCAN_MOJIBAKE,
    scan_text,
)

__all__ = [
    "FOLD_COMPLEX",
    "FOLD_DELETE",
    "FOLD_SPACE",
    "FOLD_UNKNOWN",
    "SCAN_AMPERSAND",
    "SCAN_CONTROL",
    "SCAN_CR",
    "SCAN_LINE_SEP",
    "SCAN_MOJIBAKE",
    "STATUS_COMPLEX",
    "STATUS_OK",
    "STATUS_UNKNOWN",
    "STATUS_UNSTABLE",
    "fmix32",
    "fmix64",
    "fold_text",
    "fold_texts",
    "minhash_rows",
    "nfkc_stable",
    "scan_text",
    "token_hash",
    "warm_up",
    "word_shingles",
]


def warm_up(scheme: str = "affine32") -> float:
    """Load (or, on a fresh install, compile) the kernels a run uses, the MinHash one of ``scheme`` only, by
    calling them on tiny input; returns the seconds it took. The first compiled call of a process also pays
    numba's start-up, so a job that forks workers calls this once in the parent before forking: the
    children inherit the loaded kernels."""
    start = time.perf_counter()
    buf = np.frombuffer(b"ab cd ef" + bytes(8), dtype=np.uint8)
    bounds = np.array([0, 8], dtype=np.int64)
    scan_text(buf)
    hashes, offsets, _ = word_shingles(buf, bounds, 2)
    dtype = np.uint32 if scheme == "affine32" else np.uint64
    ones = np.ones(2, dtype=dtype)
    minhash_rows(hashes, offsets, ones, ones, scheme, np.zeros((1, 2), dtype=dtype))
    table = np.full(128, FOLD_SPACE, dtype=np.int32)
    out = np.empty(2 * len(buf), dtype=np.uint8)
    fold_texts(buf, bounds, table, out, np.empty(2, dtype=np.int64))
    fold_text(buf[:8], table, out, np.zeros(0, dtype=np.uint8))
    fold_text(buf[:8], table, out, np.ones(128, dtype=np.uint8))
    nfkc_stable(buf, np.zeros(128, dtype=np.uint8))
    return time.perf_counter() - start
