"""Compiled text kernels: each must equal the Python/numpy formulation it replaces, value for value."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.dedup import minhash as mh
from newsdedup.text import kernels as tk
from newsdedup.text import normalize as nz
from newsdedup.text.kernels import hashing
from newsdedup.text.normalize import (
    _normalize_python,
    normalize_for_matching,
    normalize_many,
)
from newsdedup.text.repair import _repair_text_steps, repair_text

# Tokens around the 8/16/24/32-byte word boundaries of the token hash, multi-byte UTF-8 and separators.
TOKENS = [
    "a",
    "bb",
    "news",
    "x" * 7,
    "y" * 8,
    "z" * 9,
    "w" * 16,
    "v" * 17,
    "u" * 32,
    "t" * 33,
    "s" * 41,
    "é",
    "żółć",
]
SEPS = [" ", "  ", "\n", "\t", " \x1f "]
docs = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPS)).map("".join), max_size=40).map(
    "".join
)


def _reference_shingles(texts: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    from tests.dedup import reference  # the numpy definition of the token hash

    units, lengths = reference.word_units([t.encode("utf-8") for t in texts])
    raw, doc = mh.combine_windows(units, lengths, size)
    return mh._unique_per_doc(raw, doc, len(texts))


def _kernel_shingles(texts: list[str], size: int, pad: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    encoded = [t.encode("utf-8") for t in texts]
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=bounds[1:])
    buf = np.frombuffer(b"".join(encoded) + (bytes(8) if pad else b""), dtype=np.uint8)
    return tk.word_shingles(buf, bounds, size)


@settings(max_examples=150, deadline=None)
@given(st.lists(docs, min_size=1, max_size=6), st.sampled_from([1, 2, 5]), st.booleans())
def test_word_shingles_equal_numpy_reference(texts: list[str], size: int, pad: bool) -> None:
    hashes, offsets, counts = _kernel_shingles(texts, size, pad)
    ref_hashes, ref_offsets = _reference_shingles(texts, size)
    assert counts.tolist() == [len([w for w in re.split(rb"[\x00-\x20]", t.encode()) if w]) for t in texts]
    np.testing.assert_array_equal(offsets, ref_offsets)
    np.testing.assert_array_equal(hashes, ref_hashes)


def test_word_shingles_known_counts() -> None:
    hashes, offsets, counts = _kernel_shingles(["a b c d e a b c d e", "a b", "", "x"], 5, pad=True)
    assert np.diff(offsets).tolist() == [5, 1, 0, 1]
    assert counts.tolist() == [10, 2, 0, 1]
    first = hashes[offsets[0] : offsets[1]]
    assert (np.diff(first.astype(np.int64)) > 0).all()


@pytest.mark.parametrize("scheme", mh.SCHEMES)
def test_minhash_rows_equal_numpy_reference(scheme: str) -> None:
    rng = np.random.default_rng(3)
    hashes = rng.integers(0, 2**32, 700, dtype=np.uint64).astype(np.uint32)
    offsets = np.array([0, 0, 1, 100, 100, 400, 700], dtype=np.int64)  # empty documents included
    a, b = mh.permutations(48, 5, scheme)
    dtype = np.uint32 if scheme == "affine32" else np.uint64
    got = np.zeros((6, 48), dtype=dtype)
    tk.minhash_rows(hashes, offsets, a, b, scheme, got)
    want = np.zeros((6, 48), dtype=dtype)
    from tests.dedup import reference  # the numpy definition of the signatures

    reference.signature_block(hashes, offsets, a, b, scheme, want)
    np.testing.assert_array_equal(got, want)


# Characters that exercise every branch of the fold table: apostrophes, casefolds of one and several
# characters, folds that need re-normalising, combining marks, compatibility forms, astral letters,
# lone surrogates, C0/C1 controls and word separators.
SPECIAL = (
    "’‘`´ʼʹ′'ÉŁİẞßﬁＦΣσςǅȺⱥ\u0301\u0308\u0345K\U00010400\U0001d400\ud800\x00\x85\u00a0\u2009—–-_.,;:!?\"()"
)
texts_with_specials = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters()), max_size=80)


@settings(max_examples=400, deadline=None)
@given(st.lists(texts_with_specials, max_size=5))
def test_normalize_many_equals_reference(texts: list[str]) -> None:
    assert normalize_many(texts) == [_normalize_python(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(texts_with_specials, st.integers(1, 40))
def test_long_text_kernel_path_equals_reference(text: str, repeat: int) -> None:
    long_text = (text + " Word ") * repeat * 10  # crosses the kernel threshold of normalize_for_matching
    assert normalize_for_matching(long_text) == _normalize_python(long_text)


def test_every_code_point_folds_like_the_reference() -> None:
    # every code point in one batch (classifies the whole table once): letters, marks, symbols, astral
    cps = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = [f"Ab{chr(c)}c {chr(c)}X" for c in cps[::7]]
    assert normalize_many(texts) == [_normalize_python(t) for t in texts]


def test_fold_table_actions() -> None:
    assert normalize_many(["É’S ÉTÉ—Straße İi", "", "  ,  "]) == ["és été strasse i i", "", ""]
    assert unicodedata.is_normalized("NFKC", normalize_many(["ﬁnance Ｆ"])[0])


REPAIR_PIECES = [
    "plain text ",
    "é “curly” ",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "Ã©",
    "Â£",
    "â€™",
    "ï»¿",
    "SÃO PAULO ",
    "\x00",
    "\x07",
    "\x0b",
    "\x7f",
    "\x85",
    "\x9f",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ud800",
    "AT&T ",
    "&amp; ",
    "&#8217; ",
    "&#x2019; ",
    "\t",
    "\n",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(REPAIR_PIECES), min_size=1, max_size=12), st.integers(0, 30))
def test_repair_text_scan_path_equals_steps(pieces: list[str], pad: int) -> None:
    text = "Body text. " * pad + "".join(pieces) + " more text" * pad
    assert repair_text(text) == _repair_text_steps(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_repair_text_on_arbitrary_long_text(text: str) -> None:
    long_text = "x" * 200 + text
    assert repair_text(long_text) == _repair_text_steps(long_text)


def test_scan_text_flags() -> None:
    def scan(text: str) -> int:
        return int(tk.scan_text(np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)))

    assert scan("plain é “text”\n\t") == 0
    assert scan("a\r\nb") == tk.SCAN_CR
    assert scan("a\u2028b") == tk.SCAN_LINE_SEP
    assert scan("cafÃ©") == tk.SCAN_MOJIBAKE
    assert scan("itâ€™s") == tk.SCAN_MOJIBAKE
    assert scan("ï»¿x") == tk.SCAN_MOJIBAKE
    for ch in "\x00\x1f\x7f\x80\x9f\ufeff\ufffe\uffff\ud800":
        assert scan(f"a{ch}b") == tk.SCAN_CONTROL, repr(ch)
    assert scan("AT&T") == tk.SCAN_AMPERSAND


@pytest.mark.parametrize("scheme", mh.SCHEMES)
def test_warm_up_loads_the_kernels_of_a_scheme(scheme: str) -> None:
    assert tk.warm_up(scheme) >= 0.0


def test_word_shingles_and_counts_match_matching_text_word_counts() -> None:
    texts = ["the body sentence stays", "", "one", "a b c d e f g"]
    hashes, offsets, counts = mh.word_shingles_and_counts(texts, size=3)
    ref_hashes, ref_offsets = mh.shingle_hashes_for(texts, size=3)
    np.testing.assert_array_equal(hashes, ref_hashes)
    np.testing.assert_array_equal(offsets, ref_offsets)
    assert counts.tolist() == [t.count(" ") + 1 if t.strip() else 0 for t in texts]
    from_bytes = mh.word_shingles_and_counts_utf8([t.encode() for t in texts], size=3)
    for got, want in zip(from_bytes, (hashes, offsets, counts), strict=True):
        np.testing.assert_array_equal(got, want)


def test_stable_blocks_hold_no_composition_second() -> None:
    # text of stable characters skips NFKC: that is only exact if none of them can compose with the
    # character before it, i.e. none is the second half of a canonical two-character decomposition
    seconds = set()
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    in_blocks = [cp for lo, hi in nz._STABLE_BLOCKS for cp in range(lo, hi)]
    assert not seconds.intersection(in_blocks)


def test_long_text_of_each_stable_block_character_equals_reference() -> None:
    chars = [chr(cp) for lo, hi in nz._STABLE_BLOCKS for cp in range(lo, hi)]
    for i in range(0, len(chars), 64):
        text = " ".join(f"e{c}Word{c}" for c in chars[i : i + 64]) + " padding" * 60
        assert normalize_for_matching(text) == _normalize_python(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=80), st.data())
def test_padded_token_hash_equals_token_hash(data: bytes, draw: st.DataObject) -> None:
    buf = np.frombuffer(data + bytes(8), dtype=np.uint8)
    start = draw.draw(st.integers(0, len(data) - 1))
    length = draw.draw(st.integers(1, len(data) - start))
    assert hashing._token_hash_padded(buf, start, length) == tk.token_hash(buf, start, start + length)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1) | st.sampled_from([0, 1, 255, 256, 2**32 - 1]), max_size=600))
def test_sort_unique_equals_numpy(values: list[int]) -> None:
    x = np.array(values, dtype=np.uint32)
    k = hashing._sort_unique_u32(x, np.empty(len(values), dtype=np.uint32))
    assert x[:k].tolist() == np.unique(np.array(values, dtype=np.uint32)).tolist()


@settings(max_examples=150, deadline=None)
@given(texts_with_specials, st.integers(40, 420))
def test_short_non_ascii_kernel_path_equals_reference(text: str, length: int) -> None:
    # non-ASCII texts of 50-399 characters take the kernel (with the in-pass NFKC stability check)
    padded = ("é " + text + " Word ") * (length // 8 + 1)
    for t in (padded[:length], padded[: length // 2], padded):
        assert normalize_for_matching(t) == _normalize_python(t)


def test_fold_text_stability_check_stops_on_unmarked_characters() -> None:
    text = "Abc é 한"
    src = np.frombuffer(text.encode(), dtype=np.uint8)
    out = np.empty(2 * len(src) + 8, dtype=np.uint8)
    normalize_many([text])  # classifies é and 한 in the fold table
    table = nz._fold_table()
    stable = np.zeros(0x110000, dtype=np.uint8)
    assert tk.fold_text(src, table, out, stable) == -tk.STATUS_UNSTABLE
    stable[ord("é")] = 1
    assert tk.fold_text(src, table, out, stable) == -tk.STATUS_UNSTABLE  # 한 not marked yet
    stable[ord("한")] = 1
    n = tk.fold_text(src, table, out, stable)
    assert out[:n].tobytes().decode() == "abc é 한"
    n = tk.fold_text(src, table, out, np.zeros(0, dtype=np.uint8))  # no check
    assert out[:n].tobytes().decode() == "abc é 한"
    assert normalize_for_matching(text * 60) == _normalize_python(text * 60)
