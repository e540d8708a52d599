"""Shingle hashing and bulk MinHash signatures, bit-compatible with datasketch 2.0.

Everything here works on many documents at once: the shingle hashes of all documents are concatenated
into one ``uint32`` array with ``offsets`` (document ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``,
sorted and unique), and signatures are computed over blocks of that array, never with a Python loop per
shingle. Word shingling and signatures run as compiled kernels (:mod:`newsdedup.text.kernels`, one pass per
document); plain numpy formulations of the same values (``word_units`` + :func:`combine_windows` +
``_unique_per_doc``, ``signature_block``, in tests/dedup/reference.py) are what the kernels are tested against.

Reproducing a signature with datasketch (the compatibility contract, tested in tests/dedup/test_minhash.py)::

    hashes, offsets = shingle_hashes_for(texts, kind="word", size=5)
    sig = minhash_signatures(hashes, offsets, num_perm=128, seed=1, scheme="affine32")
    m = datasketch.MinHash(num_perm=128, seed=1, scheme="affine32", hashfunc=int)
    m.update_batch(hashes[offsets[i] : offsets[i + 1]].tolist())
    assert (m.hashvalues == sig[i]).all()
    lean = datasketch.LeanMinHash(seed=1, hashvalues=sig[i], scheme="affine32")  # usable in MinHashLSH

The shingle hash itself (how a k-gram becomes a 32-bit value) is ours, not datasketch's: a token is hashed
from its UTF-8 bytes read as uint64 words (:func:`newsdedup.text.kernels.token_hash`), a k-gram combines its k token hashes in order
(:func:`combine_windows`) and keeps the high 32 bits of the 64-bit state. To reproduce a signature
outside newsdedup, call :func:`shingle_hashes_for` and feed the values to datasketch as above.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Sequence

import numpy as np

from newsdedup.dedup.mapped import file_mapped, take_rows
from newsdedup.errors import ConfigError
from newsdedup.model import MapFn, serial_map
from newsdedup.params import SCHEMES, SHINGLE_KINDS
from newsdedup.text.kernels import minhash_rows, word_shingles

logger = logging.getLogger(__name__)

__all__ = [
    "SCHEMES",
    "fmix64",
    "minhash_signatures",
    "permutations",
    "shingle_hashes_for",
    "signature_agreement",
    "word_shingles_and_counts",
    "word_shingles_and_counts_utf8",
]


_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint32(0xFFFFFFFF)
_MAX64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# Multiplier of the k-gram combiner (64-bit FNV prime): odd, so each step is a bijection of the state.
_COMBINE_MULT = np.uint64(0x100000001B3)
# Elements of the shingle array per block of documents when computing signatures: 256K uint32 values (1 MB)
# keep a block's shingles in L2 cache while the kernel walks them for every permutation.
_BLOCK = 1 << 18


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finaliser on a uint64 array (datasketch's pre-mix for "affine64")."""
    h = h.astype(np.uint64, copy=True)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the permutation parameters ``(a, b)`` exactly as ``datasketch.MinHash`` draws them."""
    _check_scheme(scheme)
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        ab = np.array(
            [
                (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
                for _ in range(num_perm)
            ],
            dtype=np.uint64,
        ).T
        return ab[0].copy(), ab[1].copy()
    dtype: type[np.unsignedinteger] = np.uint32 if scheme == "affine32" else np.uint64
    width = 32 if scheme == "affine32" else 64
    a = gen.randint(0, 1 << (width - 1), num_perm, dtype=dtype) * dtype(2) + dtype(1)
    b = gen.randint(0, 1 << width, num_perm, dtype=dtype)
    return a, b


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ConfigError(f"scheme must be one of {', '.join(SCHEMES)}, got {scheme!r}")


# Documents per shingling block: bounds the temporary arrays to well under 100 MB.
_TEXT_BLOCK_BYTES = 1 << 20


def combine_windows(units: np.ndarray, lengths: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every window of ``size`` consecutive units inside each document into one uint32.

    ``units`` is the concatenation of the per-document unit hashes (uint64, one per token or character)
    and ``lengths`` the number of units per document. A document shorter than ``size`` (but not empty)
    yields one shingle made of all its units, so short texts still have a signature. Returns
    ``(shingle_hashes, doc_index)``: unsorted, possibly repeated, in document order.
    """
    n_docs = len(lengths)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # Full windows: document i contributes max(0, len_i - size + 1) of them, starting at its first unit.
    n_win = np.maximum(lengths - size + 1, 0)
    win_doc = np.repeat(np.arange(n_docs, dtype=np.int64), n_win)
    first = np.cumsum(n_win) - n_win
    win_start = starts[win_doc] + (np.arange(len(win_doc), dtype=np.int64) - first[win_doc])
    # Windows at every position of the concatenation, built from contiguous slices (no gathers); the few
    # that straddle two documents are then dropped by keeping only the valid window starts.
    n_all = max(len(units) - size + 1, 0)
    acc = np.full(n_all, np.uint64(0xCBF29CE484222325), dtype=np.uint64)
    for j in range(size):
        # Order-sensitive: xor then multiply by an odd constant, so "a b c" and "c b a" differ.
        acc ^= units[j : j + n_all]
        acc *= _COMBINE_MULT
    acc = acc[win_start]
    # Short documents (fewer units than the window): one shingle of all their units.
    short = np.flatnonzero((lengths > 0) & (lengths < size))
    short_acc = np.zeros(len(short), dtype=np.uint64)
    for i, d in enumerate(short):
        state = 0xCBF29CE484222325
        for u in units[starts[d] : ends[d]].tolist():
            state = ((state ^ u) * int(_COMBINE_MULT)) & 0xFFFFFFFFFFFFFFFF
        short_acc[i] = state
    all_acc = np.concatenate([acc, short_acc])
    all_doc = np.concatenate([win_doc, short])
    # The high half of the last product depends on every bit of the state: a cheap, well-mixed 32 bits.
    return (all_acc >> np.uint64(32)).astype(np.uint32), all_doc


def _unique_per_doc(hashes: np.ndarray, doc: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort and deduplicate shingle hashes within each document; return ``(hashes, offsets)``."""
    key = (doc.astype(np.uint64) << np.uint64(32)) | hashes.astype(np.uint64)
    # np.sort + adjacent compare: np.unique is much slower on large uint64 arrays here.
    key.sort()
    if len(key):
        keep = np.empty(len(key), dtype=bool)
        keep[0] = True
        np.not_equal(key[1:], key[:-1], out=keep[1:])
        key = key[keep]
    out = (key & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    counts = np.bincount((key >> np.uint64(32)).astype(np.int64), minlength=n_docs)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return out, offsets


def _word_shingles_utf8(encoded: Sequence[bytes], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    bounds = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=bounds[1:])
    # eight zero bytes after the last document let the kernel read every token as 64-bit words (joined in
    # the same call: appending them afterwards would copy the whole buffer again)
    buf = np.frombuffer(b"".join([*encoded, bytes(8)]), dtype=np.uint8)
    return word_shingles(buf, bounds, size)


def word_shingles_and_counts(
    texts: Sequence[str], *, size: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``shingle_hashes_for(texts, kind="word", size=size)`` plus the number of tokens of each text (int64),
    from the same pass: for matching text that is ``t.count(" ") + 1`` when ``t`` is not empty, else 0."""
    return word_shingles_and_counts_utf8([t.encode("utf-8") for t in texts], size=size)


def word_shingles_and_counts_utf8(
    encoded: Sequence[bytes], *, size: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`word_shingles_and_counts` of texts already encoded as UTF-8 (a caller that also hashes the
    bytes, e.g. for content digests, encodes each text once)."""
    if size < 1:
        raise ConfigError(f"shingle_size must be >= 1, got {size}")
    return _word_shingles_utf8(encoded, size)


def _shingle_block(texts: Sequence[str], kind: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    if kind == "word":
        # one compiled pass per document (tokens, windows, sort-unique); same values as the numpy
        # formulation word_units + combine_windows + _unique_per_doc of tests/dedup/reference.py
        hashes, offsets, _ = _word_shingles_utf8([t.encode("utf-8") for t in texts], size)
        return hashes, offsets
    else:
        parts = [np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32) for t in texts]
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        cps = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
        units = fmix64(cps.astype(np.uint64))
    raw, doc = combine_windows(units, lengths, size)
    return _unique_per_doc(raw, doc, len(texts))


def shingle_hashes_for(
    texts: Sequence[str], *, kind: str = "word", size: int = 5, map_fn: MapFn = serial_map
) -> tuple[np.ndarray, np.ndarray]:
    """Shingle-hash already-normalised texts.

    ``kind="word"`` uses k-grams of tokens separated by spaces or ASCII control characters (the
    normalised matching text has no other separators), ``kind="char"`` k-grams of characters, spaces included. Returns
    ``(hashes, offsets)``: ``hashes`` is uint32, document ``i``'s shingles are
    ``hashes[offsets[i]:offsets[i + 1]]``, sorted and unique; an empty text has no shingles.
    Blocks of about ``_TEXT_BLOCK_BYTES`` of text go through ``map_fn`` and are joined in order.
    """
    if kind not in SHINGLE_KINDS:
        raise ConfigError(f"shingle must be one of {', '.join(SHINGLE_KINDS)}, got {kind!r}")
    if size < 1:
        raise ConfigError(f"shingle_size must be >= 1, got {size}")
    n = len(texts)
    bounds = [0]
    acc = 0
    for i, t in enumerate(texts):
        acc += len(t)
        if acc >= _TEXT_BLOCK_BYTES:
            bounds.append(i + 1)
            acc = 0
    if bounds[-1] != n:
        bounds.append(n)
    blocks = [texts[lo:hi] for lo, hi in itertools.pairwise(bounds)]
    if not blocks:
        return np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64)
    results = map_fn(functools.partial(_shingle_block, kind=kind, size=size), blocks)
    hashes = np.concatenate([h for h, _ in results])
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.concatenate([np.diff(o) for _, o in results]))
    return hashes, offsets


def minhash_signatures(
    hashes: np.ndarray,
    offsets: np.ndarray,
    *,
    num_perm: int,
    seed: int,
    scheme: str = "affine32",
    map_fn: MapFn = serial_map,
) -> np.ndarray:
    """MinHash signatures of many documents at once, equal to datasketch's ``MinHash.hashvalues``.

    ``hashes``/``offsets`` as returned by :func:`shingle_hashes_for`. Returns an ``(n_docs, num_perm)``
    array (uint32 for "affine32", uint64 otherwise); a document without shingles gets datasketch's empty
    value (all 2**32-1, or 2**64-1 for "affine64"). Documents are processed in blocks of about ``_BLOCK``
    shingles, which go through ``map_fn`` (the kernel releases the GIL) and are joined in order.
    """
    _check_scheme(scheme)
    if num_perm < 1:
        raise ConfigError(f"num_perm must be >= 1, got {num_perm}")
    hashes = np.asarray(hashes, dtype=np.uint32)
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    a, b = permutations(num_perm, seed, scheme)
    # Cut the documents into blocks of ~_BLOCK shingles (a block always holds at least one document).
    bounds = [0]
    while bounds[-1] < n:
        lo = bounds[-1]
        hi = int(np.searchsorted(offsets, offsets[lo] + _BLOCK, side="right")) - 1
        bounds.append(min(n, max(hi, lo + 1)))
    blocks = list(itertools.pairwise(bounds))
    parts = map_fn(functools.partial(_signature_rows, hashes, offsets, a, b, scheme), blocks)
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else _empty_signatures(0, num_perm, scheme)


def _empty_signatures(n: int, num_perm: int, scheme: str) -> np.ndarray:
    """Signatures of ``n`` documents without shingles (datasketch's empty value)."""
    if scheme == "affine32":
        return np.full((n, num_perm), _MAX32, dtype=np.uint32)
    if scheme == "affine64":
        return np.full((n, num_perm), _MAX64, dtype=np.uint64)
    return np.full((n, num_perm), np.uint64(0xFFFFFFFF), dtype=np.uint64)


def _signature_rows(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, scheme: str, block: tuple[int, int]
) -> np.ndarray:
    """Signatures of the documents ``block`` = (lo, hi): the compiled per-document loop (min over
    permutations per shingle, no block temporaries), equal to the numpy ``signature_block`` of tests/dedup/reference.py."""
    lo, hi = block
    out = _empty_signatures(hi - lo, len(a), scheme)
    minhash_rows(hashes, offsets[lo : hi + 1], a, b, scheme, out)
    return out


def signature_agreement(sig: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard of each pair ``(left[i], right[i])``: the fraction of equal signature values."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.float64)
    out = np.empty(len(left), dtype=np.float64)
    if file_mapped(sig):  # both sides of a block of pairs in one pass over the file's row blocks
        step = max(1, (1 << 26) // max(1, 2 * sig.shape[1] * sig.itemsize))
        for lo in range(0, len(left), step):
            both = take_rows(sig, np.concatenate([left[lo : lo + step], right[lo : lo + step]]))
            half = len(both) // 2
            out[lo : lo + half] = (both[:half] == both[half:]).mean(axis=1)
        return out
    step = max(1, (1 << 22) // max(1, sig.shape[1]))
    for lo in range(0, len(left), step):
        hi = lo + step
        out[lo:hi] = (sig[left[lo:hi]] == sig[right[lo:hi]]).mean(axis=1)
    return out
