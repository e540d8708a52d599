"""Texts in scripts written without spaces: character 3-gram shingles, word equivalents, datasketch-compatible
signatures, and every other text shingled exactly as before."""

from __future__ import annotations

import datasketch
import numpy as np
import pytest

from newsdedup.dedup.minhash import shingle_hashes_for, word_shingles_and_counts
from newsdedup.dedup.sketches import dense_rows, dense_word_counts, sketch_texts
from newsdedup.errors import ConfigError
from newsdedup.params import DedupParams
from newsdedup.text.normalize import normalize_for_matching

ZH = normalize_for_matching(
    "临江市人大常委会周四晚间表决通过了新建一条有轨电车线路的方案，线路将连接火车站和正在开发的松林新区。"
    "方案以二十八票赞成、十一票反对获得通过，此前代表们进行了三个多小时的讨论。新线路全长约八公里，共设十三个车站。"
)
ZH_COPY = ZH.replace("周四晚间", "周四深夜").replace("约八公里", "大约八公里")
ZH_OTHER = normalize_for_matching(
    "受连日强降雨影响，黑龙江抚远段水位一天内又上涨了二十厘米，达到五点六米，沿江多个乡镇已启动防汛应急响应。"
    "消防救援人员和驻地官兵正在加固堤坝，已有三百多名群众从低洼村庄转移到安全地带。"
)
EN = normalize_for_matching(
    "The council voted on Monday night to double the toll on the Harbour Bridge again."
)
DE = normalize_for_matching(
    "Der Stadtrat von Lindenau hat am Donnerstagabend den Bau einer Straßenbahn beschlossen."
)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return len(np.intersect1d(a, b)) / len(np.union1d(a, b))


def segment(sk: object, i: int) -> np.ndarray:
    return sk.hashes[sk.offsets[i] : sk.offsets[i + 1]]  # type: ignore[attr-defined]


def test_dense_texts_get_character_3_grams_and_others_are_unchanged() -> None:
    texts = [EN, ZH, DE, ZH_COPY, ZH_OTHER, ""]
    sk = sketch_texts(texts, DedupParams())
    assert dense_rows(texts, DedupParams()).tolist() == [1, 3, 4]
    words, word_offsets, counts = word_shingles_and_counts([EN, DE, ""], size=5)
    for i, j in ((0, 0), (2, 1), (5, 2)):
        assert np.array_equal(segment(sk, i), words[word_offsets[j] : word_offsets[j + 1]])
        assert sk.tokens[i] == counts[j]
    chars, char_offsets = shingle_hashes_for([ZH], kind="char", size=3)
    assert np.array_equal(segment(sk, 1), chars[char_offsets[0] : char_offsets[1]])
    assert jaccard(segment(sk, 1), segment(sk, 3)) > 0.8
    assert jaccard(segment(sk, 1), segment(sk, 4)) < 0.1


def test_dense_signatures_equal_datasketch_on_the_same_shingles() -> None:
    params = DedupParams(num_perm=32, seed=3)
    sk = sketch_texts([EN, ZH], params)
    m = datasketch.MinHash(num_perm=32, seed=3, scheme="affine32", hashfunc=int)
    m.update_batch(segment(sk, 1).tolist())
    assert np.array_equal(m.hashvalues, sk.signatures[1])


def test_word_equivalents_of_dense_text() -> None:
    assert dense_word_counts(["一二三四五六七", "苹果 iphone 手机 发布", ""]).tolist() == [
        4,
        1 + 1 + 1 + 1,
        0,
    ]
    whole = sketch_texts([ZH], DedupParams()).tokens[0]
    assert whole == -(-len(ZH.replace(" ", "")) // 2)


def test_same_restores_whitespace_shingling_for_every_text() -> None:
    params = DedupParams(dense_shingle="same")
    sk = sketch_texts([ZH, ZH_COPY], params)
    words, offsets, counts = word_shingles_and_counts([ZH, ZH_COPY], size=5)
    assert np.array_equal(sk.hashes, words) and np.array_equal(sk.offsets, offsets)
    assert np.array_equal(sk.tokens, counts)
    assert dense_rows([ZH], params).size == 0


def test_dense_settings_are_validated() -> None:
    with pytest.raises(ConfigError, match="dense_shingle"):
        DedupParams(dense_shingle="segment")
    with pytest.raises(ConfigError, match="dense_shingle_size"):
        DedupParams(dense_shingle_size=0)
