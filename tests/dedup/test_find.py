"""Duplicate detection end to end: planted groups, containment, short texts, chaining guard, canonical rule,
precomputed sketches, real data."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from newsdedup.dedup import verify
from newsdedup.dedup.find import _exact_representatives, find_duplicates
from newsdedup.dedup.lsh import lsh_params
from newsdedup.dedup.sketches import Sketches, compact_digests, sketch_texts
from newsdedup.errors import ConfigError, NewsdedupError
from newsdedup.params import DedupParams
from tests.dedup.maps import reversed_map, thread_map
from tests.dedup.planted import PLANTED, PLANTED_GROUPS, A, B, edit, frame, groups_of, words

DATA = Path("/work/shared/data")


def test_planted_groups_come_back_exactly() -> None:
    res = find_duplicates(frame(PLANTED), DedupParams())
    assert groups_of(res.assignments) == PLANTED_GROUPS
    by_id = res.assignments.set_index("article_id")
    assert by_id.loc["a_copy", "method"] == "exact"
    assert by_id.loc["a_copy", "dup_similarity"] == 1.0
    assert by_id.loc["a_edit", "method"] == "near"
    assert by_id.loc["a_trunc", "method"] == "containment"
    assert by_id.loc["a_trunc", "dup_similarity"] == 1.0
    assert by_id.loc["a", "is_canonical"] and by_id.loc["a", "method"] == "canonical"
    assert res.stats["exact_dups"] == 1
    assert res.stats["empty_texts"] == 2
    assert res.stats["groups"] == 6
    assert res.stats["duplicates"] == 4
    assert (res.stats["bands"], res.stats["rows"]) == lsh_params(DedupParams())


def test_result_tables_shape_and_ids() -> None:
    df = frame(PLANTED)
    res = find_duplicates(df, DedupParams(num_perm=64))
    assert res.assignments["article_id"].tolist() == df["article_id"].tolist()
    assert res.signatures.shape == (len(df), 64)
    assert set(res.duplicates["article_id"]) == {"a_copy", "a_edit", "a_trunc", "b_edit"}
    assert res.duplicates["estimated_similarity"].between(0, 1).all()
    assert (res.assignments["dup_group_id"].str.match(r"^d_[0-9a-f]{16}$")).all()
    # Exact copies share their representative's signature.
    np.testing.assert_array_equal(res.signatures[0], res.signatures[1])


def test_same_event_different_writers_do_not_group() -> None:
    quote = words(10, 25)  # a shared quote and names, otherwise independent writing
    texts = {
        "wire": " ".join(words(11, 60) + quote + words(12, 80)),
        "paper": " ".join(words(13, 70) + quote + words(14, 60)),
        "tv": " ".join(quote + words(15, 90)),
    }
    res = find_duplicates(frame(texts), DedupParams())
    assert res.stats["groups"] == 3
    assert res.duplicates.empty


def test_short_texts_do_not_collapse() -> None:
    long_article = words(20, 150)
    texts = {
        "s1": "police said the man was arrested on friday night in the city centre",
        "s2": "police said the man was arrested on saturday night in the city centre",
        "s3": "police said the man was arrested on friday night in the city centre",
        "brief": " ".join(long_article[:15]),  # a short lede wholly inside the article
        "article": " ".join(long_article),
    }
    res = find_duplicates(frame(texts), DedupParams())
    assert groups_of(res.assignments) == {
        frozenset({"s1", "s3"}),
        frozenset({"s2"}),
        frozenset({"brief"}),
        frozenset({"article"}),
    }
    assert res.stats["short_texts"] == 4


def test_chaining_guard_splits_loose_chain() -> None:
    seg = [words(30 + i, 40) for i in range(8)]
    texts = {name: " ".join(w for part in seg[i : i + 4] for w in part) for i, name in enumerate("ABCDE")}
    published = {name: f"2024-11-1{i}T10:00:00Z" for i, name in enumerate("ABCDE")}
    res = find_duplicates(frame(texts, published_at=published), DedupParams())
    # A-B-C-D-E is one connected chain of J~0.6 edges. C shares half of A (containment 0.49 >= chain_floor
    # 0.4) and is linked through B; D (0.23) and E (0) are not: they are split off and form their own group.
    assert groups_of(res.assignments) == {frozenset("ABC"), frozenset("DE")}
    assert res.stats["chain_splits"] == 2
    by_id = res.assignments.set_index("article_id")
    assert by_id.loc["C", "canonical_id"] == "A"
    assert res.assignments.loc[res.assignments["article_id"] == "C", "dup_similarity"].item() < 0.5
    assert by_id.loc["E", "canonical_id"] == "D"


def test_deterministic_under_shuffle() -> None:
    df = frame(PLANTED, published_at=dict.fromkeys(PLANTED, "2024-01-01T00:00:00Z"))
    base = find_duplicates(df, DedupParams()).assignments.set_index("article_id").sort_index()
    for seed in range(3):
        shuffled = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        res = find_duplicates(shuffled, DedupParams())
        assert res.assignments["article_id"].tolist() == shuffled["article_id"].tolist()
        pd.testing.assert_frame_equal(res.assignments.set_index("article_id").sort_index(), base)


@pytest.mark.parametrize(
    ("description", "rule", "published", "body_len", "source", "preferred", "winner", "reason"),
    [
        (
            "earliest wins, nulls last",
            ("earliest", "longest", "preferred_source", "id"),
            {"x": None, "y": "2024-11-16T10:37:00Z", "z": "2024-11-16T11:00:00Z"},
            {"x": 10, "y": 10, "z": 10},
            {},
            (),
            "y",
            "earliest published_at (2024-11-16T10:37Z)",
        ),
        (
            "tie on time, longest body",
            ("earliest", "longest", "id"),
            {"x": "2024-11-16T10:00:00Z", "y": "2024-11-16T10:00:00Z", "z": None},
            {"x": 3120, "y": 200, "z": 9000},
            {},
            (),
            "x",
            "longest body (3120 chars)",
        ),
        (
            "preferred source first",
            ("preferred_source", "earliest"),
            {},
            {},
            {"x": "AP", "y": "Reuters", "z": None},
            ("Reuters", "AP"),
            "y",
            "preferred source (Reuters)",
        ),
        (
            "everything tied, id decides",
            ("earliest", "longest"),
            {},
            {},
            {},
            (),
            "x",
            "lowest article_id (x)",
        ),
    ],
)
def test_canonical_rule(
    description: str,
    rule: tuple[str, ...],
    published: dict[str, object],
    body_len: dict[str, object],
    source: dict[str, object],
    preferred: tuple[str, ...],
    winner: str,
    reason: str,
) -> None:
    text = " ".join(words(40, 100))
    texts = dict.fromkeys("xyz", text)
    cols: dict[str, dict[str, object]] = {"published_at": published or dict.fromkeys(texts)}
    cols["body_len"] = body_len or dict.fromkeys(texts, 5)
    cols["source"] = source or dict.fromkeys(texts)
    res = find_duplicates(frame(texts, **cols), DedupParams(canonical_rule=rule, preferred_sources=preferred))
    assert set(res.assignments["canonical_id"]) == {winner}, description
    assert set(res.assignments["canonical_reason"]) == {reason}, description


def test_only_member_reason() -> None:
    res = find_duplicates(frame({"solo": " ".join(words(50, 60))}), DedupParams())
    row = res.assignments.iloc[0]
    assert (row["canonical_reason"], row["method"], row["is_canonical"]) == ("only member", "canonical", True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shingle": "line"}, "shingle must be one of word, char, got 'line'"),
        ({"shingle_size": 0}, "shingle_size must be an integer >= 1, got 0"),
        ({"num_perm": 1}, "num_perm must be an integer >= 2, got 1"),
        ({"scheme": "md5"}, "scheme must be one of affine32, affine64, legacy, got 'md5'"),
        ({"threshold": 0.0}, r"threshold must be in \(0.0, 1.0\], got 0.0"),
        ({"threshold": 1.5}, r"threshold must be in \(0.0, 1.0\], got 1.5"),
        ({"containment_threshold": -1}, r"containment_threshold must be in \(0.0, 1.0\], got -1"),
        ({"lsh_threshold": 1.0}, r"lsh_threshold must be in \(0.0, 1.0\) or None, got 1.0"),
        ({"min_tokens": -1}, "min_tokens must be an integer >= 0, got -1"),
        ({"chain_floor": 2.0}, r"chain_floor must be in \[0.0, 1.0\], got 2.0"),
        ({"max_bucket_size": 1}, "max_bucket_size must be an integer >= 2, got 1"),
        ({"canonical_rule": ("newest",)}, "canonical_rule must list distinct values"),
        ({"canonical_rule": ("id", "id")}, "canonical_rule must list distinct values"),
    ],
)
def test_param_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DedupParams(**kwargs)  # type: ignore[arg-type]


def test_derived_lsh_threshold_covers_containment() -> None:
    params = DedupParams(threshold=0.7, containment_threshold=0.9, min_length_ratio=0.4)
    # A copy holding 40% of the longer text at containment 0.9 has Jaccard 0.36/1.04.
    assert params.effective_lsh_threshold == pytest.approx(0.36 / 1.04)
    assert DedupParams(lsh_threshold=0.6).effective_lsh_threshold == 0.6


def test_input_validation() -> None:
    with pytest.raises(NewsdedupError, match="article_id values must be unique"):
        find_duplicates(frame({"a": "x y"}).pipe(lambda d: pd.concat([d, d])), DedupParams())
    with pytest.raises(NewsdedupError, match="needs a 'match_text' column"):
        find_duplicates(pd.DataFrame({"article_id": ["a"]}), DedupParams())


def test_empty_input() -> None:
    res = find_duplicates(frame({}), DedupParams())
    assert res.assignments.empty and res.duplicates.empty and res.stats["groups"] == 0


# --- real data (skipped when absent) ---------------------------------------------------------------------


def _normalise(text: str) -> str:
    try:
        from newsdedup.text.normalize import normalize_for_matching
    except ImportError:  # pragma: no cover - parser engineer's module not there yet
        import re

        return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return normalize_for_matching(text)


@pytest.mark.slow
def test_basil_distinct_articles_never_group() -> None:
    files = sorted((DATA / "basil" / "articles").glob("*/*.json"))
    if not files:
        pytest.skip("BASIL data not available")
    rows = []
    for f in files:
        rec = json.loads(f.read_text(encoding="utf-8"))
        body = "\n\n".join(" ".join(sents) for sents in rec["body-paragraphs"])
        rows.append({"article_id": f.stem, "match_text": _normalise(body)})
    res = find_duplicates(pd.DataFrame(rows), DedupParams())
    assert res.stats["groups"] == len(rows)
    assert res.duplicates.empty


@pytest.mark.slow
def test_bbc_silver_pairs_recalled() -> None:
    root = DATA / "bbc"
    silver_path = root / "bbc_exact_jaccard_pairs_silver.csv"
    if not silver_path.exists():
        pytest.skip("BBC data not available")
    rows = []
    for f in sorted(root.glob("*/*.txt")):
        body = f.read_bytes().decode("latin-1").partition("\n")[2]
        rows.append({"article_id": str(f.relative_to(root)), "match_text": _normalise(body)})
    res = find_duplicates(pd.DataFrame(rows), DedupParams())
    group = dict(zip(res.assignments["article_id"], res.assignments["dup_group_id"], strict=True))
    silver = pd.read_csv(silver_path)
    strong = silver[silver["jaccard_word5gram"] >= 0.8]
    recalled = sum(group[a] == group[b] for a, b in zip(strong["doc_a"], strong["doc_b"], strict=True))
    assert recalled / len(strong) >= 0.97
    # Predicted pairs beyond the silver list (J >= 0.5) stay a handful.
    silver_pairs = {frozenset(p) for p in zip(silver["doc_a"], silver["doc_b"], strict=True)}
    predicted = {
        frozenset(p) for p in zip(res.duplicates["article_id"], res.duplicates["canonical_id"], strict=True)
    }
    assert len(predicted - silver_pairs) <= 5


@pytest.mark.slow
def test_synthetic_corpus_pairwise_f1(tmp_path: Path) -> None:
    synth = pytest.importorskip("newsdedup.synth")
    from newsdedup.metrics import pairwise_prf

    synth.write_corpus(tmp_path, synth.SynthConfig(n_articles=3000, seed=3), fmt="jsonl")
    recs = [json.loads(line) for f in sorted((tmp_path / "data").glob("*.jsonl")) for line in f.open()]
    labels = pd.read_csv(tmp_path / "labels.csv", dtype=str).set_index("id")["dup_group"]
    docs = pd.DataFrame(
        {
            "article_id": [r["id"] for r in recs],
            "match_text": [_normalise(r["body"]) for r in recs],
            "published_at": pd.to_datetime([r["published_at"] for r in recs], utc=True),
            "body_len": [len(r["body"]) for r in recs],
            "source": [r["source"] for r in recs],
        }
    )
    res = find_duplicates(docs, DedupParams())
    _, _, f1 = pairwise_prf(res.assignments["dup_group_id"].tolist(), labels.loc[docs["article_id"]].tolist())
    assert f1 >= 0.97


def test_precomputed_sketches_give_the_same_result_as_texts() -> None:
    base = " ".join(f"word{i}" for i in range(80))
    texts = [base, base + " extra words here", "completely different " * 20, base, ""]
    docs = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "match_text": texts})
    params = DedupParams()
    # sketches computed in two chunks, as worker processes do, then joined
    sk = Sketches.concat([sketch_texts(texts[:2], params), sketch_texts(texts[2:], params)], params)
    direct = find_duplicates(docs, params)
    via = find_duplicates(docs, params, sketches=sk)
    pd.testing.assert_frame_equal(direct.assignments, via.assignments)
    pd.testing.assert_frame_equal(direct.duplicates, via.duplicates)
    assert (direct.signatures == via.signatures).all()


def test_sketches_on_disk_without_texts_give_the_same_result(tmp_path: Path, monkeypatch: Any) -> None:
    texts = dict(PLANTED, a_far=" ".join(edit(A, 3, "z")), b_trunc=" ".join(B[:60]))
    docs = frame(texts)
    docs["body_len"] = [len(t) * 2 for t in texts.values()]
    params = DedupParams()
    sk = sketch_texts(docs["match_text"].tolist(), params)
    path = tmp_path / "hashes.u32"
    sk.hashes.tofile(path)
    on_disk = Sketches(
        compact_digests(sk.digests),
        sk.tokens,
        np.memmap(path, dtype=sk.hashes.dtype, mode="r"),
        sk.offsets,
        sk.signatures,
    )
    # one pair per block, so the block loop and page release run many times
    monkeypatch.setattr(verify, "VERIFY_BLOCK_BYTES", 1)
    want = find_duplicates(docs, params)
    got = find_duplicates(docs.drop(columns="match_text"), params, sketches=on_disk)
    pd.testing.assert_frame_equal(want.assignments, got.assignments)
    pd.testing.assert_frame_equal(want.duplicates, got.duplicates)
    assert groups_of(got.assignments) >= {frozenset({"b", "b_edit", "b_trunc"})}


def test_result_is_the_same_whatever_the_map(tmp_path: Path, monkeypatch: Any) -> None:
    docs = frame(dict(PLANTED, a_far=" ".join(edit(A, 3, "z")), b_trunc=" ".join(B[:60])))
    params = DedupParams()
    want = find_duplicates(docs, params)
    sk = sketch_texts(docs["match_text"].tolist(), params)
    path = tmp_path / "hashes.u32"
    sk.hashes.tofile(path)
    on_disk = Sketches(
        sk.digests, sk.tokens, np.memmap(path, dtype=sk.hashes.dtype, mode="r"), sk.offsets, sk.signatures
    )
    monkeypatch.setattr(verify, "PAIRS_PER_BLOCK", 2)
    monkeypatch.setattr(verify, "VERIFY_BLOCK_BYTES", 1)
    with ThreadPoolExecutor(2) as pool:
        for map_fn in (thread_map(pool), reversed_map):
            for got in (
                find_duplicates(docs, params, map_fn=map_fn),
                find_duplicates(docs, params, sketches=on_disk, map_fn=map_fn),
            ):
                pd.testing.assert_frame_equal(want.assignments, got.assignments)
                pd.testing.assert_frame_equal(want.duplicates, got.duplicates)
                assert np.array_equal(want.signatures, got.signatures)


def test_sketches_alone_suffice_without_body_len() -> None:
    docs = frame(PLANTED)
    params = DedupParams(canonical_rule=("id",))
    sk = sketch_texts(docs["match_text"].tolist(), params)
    got = find_duplicates(docs[["article_id"]], params, sketches=sk)
    assert groups_of(got.assignments) == PLANTED_GROUPS
    # the rule "longest" falls back to word counts: the full text beats its truncated copy
    longest = find_duplicates(docs[["article_id"]], DedupParams(canonical_rule=("longest",)), sketches=sk)
    canon = dict(zip(longest.assignments["article_id"], longest.assignments["canonical_id"], strict=True))
    assert canon["a_trunc"] in {"a", "a_copy", "a_edit"}


@pytest.mark.parametrize(
    ("words_", "tokens", "reps"),
    [
        ([[1, 5], [1, 6], [1, 5], [2, 7]], [3, 3, 3, 3], [0, 1, 0, 3]),  # first words collide, second differ
        ([[4, 4], [4, 4], [4, 4]], [0, 2, 2], [-1, 1, 1]),  # empty texts never match
        ([[9, 1], [3, 1], [9, 1]], [1, 1, 1], [0, 1, 0]),
    ],
)
def test_exact_representatives_first_copy_in_row_order(
    words_: list[list[int]], tokens: list[int], reps: list[int]
) -> None:
    got = _exact_representatives(np.array(words_, dtype=np.uint64), np.array(tokens, dtype=np.int64))
    assert got.tolist() == reps
