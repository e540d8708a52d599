"""Per-document sketches: content digest, word count, shingle hashes and MinHash signatures.

Sketches are computed where the documents are parsed (worker processes, Dask partitions) and joined in
document order; :func:`newsdedup.dedup.find.find_duplicates` works from them alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from newsdedup.dedup.minhash import minhash_signatures, shingle_hashes_for, word_shingles_and_counts_utf8
from newsdedup.errors import NewsdedupError
from newsdedup.model import MapFn, serial_map
from newsdedup.params import DedupParams
from newsdedup.text.language import dense_char_count, dense_script_share, may_have_scripts, strip_dense

__all__ = [
    "DENSE_CHARS_PER_WORD",
    "DENSE_LANGUAGES",
    "DENSE_SHARE",
    "Sketches",
    "compact_digests",
    "dense_rows",
    "dense_word_counts",
    "digests_hex",
    "shingle_hashes",
    "sketch_texts",
    "take_sketches",
]

#: Share of a text's non-space characters in dense scripts from which it is shingled as dense-script text:
#: mixed text (Japanese or Chinese with Latin names and figures) is shingled by characters too.
DENSE_SHARE = 0.2
#: Dense-script characters per word equivalent (Chinese words average under two characters, Japanese ones
#: two to three counting kana): 20 words are 40 characters for the short-text rule.
DENSE_CHARS_PER_WORD = 2
#: The languages whose scripts are dense (Chinese, Japanese, Thai, Lao, Khmer, Burmese), as recorded in the state.
DENSE_LANGUAGES = ("zh", "ja", "th", "lo", "km", "my")


@dataclass
class Sketches:
    """Per-document sketches computed where the documents are parsed (worker processes, Dask partitions):
    content digests, word counts, shingle hashes (``hashes``/``offsets`` as from :func:`shingle_hashes`)
    and MinHash signatures, in the documents' order.

    ``digests`` is a list of 16-byte xxh3_128 digests, or the same as an (n, 2) uint64 array (see
    :func:`compact_digests`; 16 bytes per document instead of a Python object); ``hashes`` may be a read-only
    ``np.memmap`` of a flat file (``offsets`` in memory) for :func:`find_duplicates`."""

    digests: list[bytes] | np.ndarray
    tokens: np.ndarray
    hashes: np.ndarray
    offsets: np.ndarray
    signatures: np.ndarray

    @classmethod
    def concat(
        cls, parts: Sequence[Sketches], params: DedupParams | None = None, *, hashes: np.ndarray | None = None
    ) -> Sketches:
        """Join sketches of consecutive chunks into one, in order: the one way to append sketches.

        ``hashes``, when given, is the parts' shingle hashes already joined, e.g. a flat file the caller
        appended them to, memory-mapped, so they are not concatenated in memory. ``params`` sets the shape of
        the signatures when there are no parts. The digests are compact (an (n, 2) uint64 array) when any
        part's are.
        """
        if not parts:
            if params is None:
                raise NewsdedupError("Sketches.concat needs params to join no parts")
            return sketch_texts([], params)
        shift = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
        offsets = np.concatenate(
            [parts[0].offsets[:1]] + [p.offsets[1:] + s for p, s in zip(parts, shift, strict=True)]
        )
        if hashes is None:
            hashes = np.concatenate([p.hashes for p in parts])
        elif len(hashes) != int(offsets[-1]) - int(offsets[0]):
            raise NewsdedupError(f"joined hashes hold {len(hashes)} values, the parts {int(offsets[-1])}")
        digests: list[bytes] | np.ndarray
        if any(isinstance(p.digests, np.ndarray) for p in parts):
            digests = np.concatenate([compact_digests(p.digests) for p in parts])
        else:
            digests = [d for p in parts for d in p.digests]
        return cls(
            digests=digests,
            tokens=np.concatenate([p.tokens for p in parts]),
            hashes=hashes,
            offsets=offsets,
            signatures=np.vstack([p.signatures for p in parts]),
        )


def shingle_hashes(
    texts: Sequence[str], params: DedupParams, *, map_fn: MapFn = serial_map
) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of matching texts: ``(uint32 hashes, int64 offsets of length n+1)``, per-doc sorted
    unique; blocks of texts go through ``map_fn``."""
    return shingle_hashes_for(texts, kind=params.shingle, size=params.shingle_size, map_fn=map_fn)


def sketch_texts(texts: Sequence[str], params: DedupParams, *, map_fn: MapFn = serial_map) -> Sketches:
    """Digests, word counts, shingles and signatures of matching texts; what :func:`find_duplicates` needs
    per document, computable in parallel chunks (the result is the same whatever the chunking). Blocks of
    shingling ("char" shingles) and of signatures go through ``map_fn``.

    Texts mostly in scripts written without spaces (see :func:`dense_rows`) are shingled by
    ``params.dense_shingle``/``dense_shingle_size`` instead, and their word count is in word equivalents
    (:func:`dense_word_counts`); every other text exactly as ``params.shingle``/``shingle_size`` say."""
    encoded = [t.encode("utf-8") for t in texts]  # once, for the digests and the word shingles
    digests = [xxhash.xxh3_128_digest(b) for b in encoded]
    if params.shingle == "word":
        # word counts come from the shingling pass (the same values as counting separators)
        hashes, offsets, tokens = word_shingles_and_counts_utf8(encoded, size=params.shingle_size)
    else:
        # Matching text is whitespace-collapsed, so counting separators counts words without a Python split.
        tokens = np.array([t.count(" ") + 1 if t.strip() else 0 for t in texts], dtype=np.int64)
        hashes, offsets = shingle_hashes(texts, params, map_fn=map_fn)
    dense = dense_rows(texts, params, encoded)
    if len(dense):
        picked = [texts[i] for i in dense.tolist()]
        kind, size = params.dense_shingle, params.dense_shingle_size
        new_hashes, new_offsets = shingle_hashes_for(picked, kind=kind, size=size, map_fn=map_fn)
        hashes, offsets = _replace_segments(hashes, offsets, dense, new_hashes, new_offsets)
        tokens = tokens.copy()
        tokens[dense] = dense_word_counts(picked)
    sig = minhash_signatures(
        hashes, offsets, num_perm=params.num_perm, seed=params.seed, scheme=params.scheme, map_fn=map_fn
    )
    return Sketches(digests, tokens, hashes, offsets, sig)


def dense_rows(
    texts: Sequence[str], params: DedupParams, encoded: Sequence[bytes] | None = None
) -> np.ndarray:
    """The indices of the texts shingled as dense-script text: at least ``DENSE_SHARE`` of their non-space
    characters in scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar), when
    ``params.dense_shingle`` is not "same". ``encoded``: the texts' UTF-8, when the caller has it: a byte test
    rules out nearly every text of other scripts at C speed."""
    if params.dense_shingle == "same":
        return np.zeros(0, dtype=np.int64)
    data = encoded if encoded is not None else [t.encode("utf-8", "surrogatepass") for t in texts]
    rows = [
        i
        for i, t in enumerate(texts)
        if not t.isascii() and may_have_scripts(data[i]) and dense_script_share(t) >= DENSE_SHARE
    ]
    return np.array(rows, dtype=np.int64)


def dense_word_counts(texts: Sequence[str]) -> np.ndarray:
    """Word equivalents of dense-script texts, for the short-text and containment rules (``min_tokens``,
    ``min_containment_tokens``): every ``DENSE_CHARS_PER_WORD`` characters of a dense script count as a
    word, and the words of other scripts between them one each."""
    counts = []
    for t in texts:
        dense_chars = dense_char_count(t)
        other = len(strip_dense(t).split())
        counts.append(-(-dense_chars // DENSE_CHARS_PER_WORD) + other)
    return np.array(counts, dtype=np.int64)


def _replace_segments(
    hashes: np.ndarray, offsets: np.ndarray, rows: np.ndarray, new_hashes: np.ndarray, new_offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, offsets) with the segments of ``rows`` replaced by those of (new_hashes, new_offsets)."""
    lengths = np.diff(offsets)
    starts = offsets[:-1].copy()
    lengths[rows] = np.diff(new_offsets)
    starts[rows] = len(hashes) + new_offsets[:-1]
    out_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out_offsets[1:])
    pool = np.concatenate([hashes, new_hashes.astype(hashes.dtype, copy=False)])
    idx = np.repeat(starts - out_offsets[:-1], lengths) + np.arange(int(out_offsets[-1]), dtype=np.int64)
    return pool[idx], out_offsets


def take_sketches(base: Sketches, rows: np.ndarray) -> Sketches:
    """The sketches of the documents at ``rows``, in that order."""
    hashes, offsets = _take_segments(base.hashes, base.offsets, rows)
    digests = (
        compact_digests(base.digests)[rows]
        if isinstance(base.digests, np.ndarray)
        else [base.digests[i] for i in rows.tolist()]
    )
    return Sketches(digests, base.tokens[rows], hashes, offsets, base.signatures[rows])


def _take_segments(
    hashes: np.ndarray, offsets: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The shingle segments of ``rows`` (in that order), as a new (hashes, offsets) pair."""
    lengths = (offsets[rows + 1] - offsets[rows]).astype(np.int64)
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    starts = np.repeat(offsets[rows] - new_offsets[:-1], lengths)
    idx = starts + np.arange(int(new_offsets[-1]), dtype=np.int64)
    return hashes[idx], new_offsets


def compact_digests(digests: Sequence[bytes] | np.ndarray) -> np.ndarray:
    """16-byte content digests as an (n, 2) uint64 array holding the same bytes: from a list of digests, or
    a numpy array of them ('S16'/'V16', (n, 16) uint8 or (n, 2) uint64, returned as is)."""
    if isinstance(digests, np.ndarray):
        arr = np.ascontiguousarray(digests)
        if arr.ndim == 2 and arr.dtype == np.uint64 and arr.shape[1] == 2:
            return arr
        if arr.dtype.itemsize * (arr.shape[1] if arr.ndim == 2 else 1) == 16:
            return arr.view(np.uint64).reshape(len(arr), 2)
        raise NewsdedupError(f"digests must be 16 bytes each, got an array of {arr.dtype} {arr.shape}")
    joined = b"".join(digests)
    if len(joined) != 16 * len(digests):
        raise NewsdedupError("digests must be 16 bytes each (xxh3_128)")
    return np.frombuffer(joined, dtype=np.uint64).reshape(len(digests), 2)


def digests_hex(digests: Sequence[bytes] | np.ndarray) -> list[str]:
    """Hex strings of 16-byte digests (list or compact array), equal to ``[d.hex() for d in digests]``."""
    words = compact_digests(digests)
    text = words.tobytes().hex()
    return [text[i : i + 32] for i in range(0, len(text), 32)]
