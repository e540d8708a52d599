"""The cluster step's featurisation of staged parts with the articles' languages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.cluster import story_features
from newsdedup.io.staging import write_stage
from newsdedup.params import ClusterParams, Config, RunConfig
from newsdedup.run.cluster_step import staged_features
from newsdedup.run.parallel import thread_map
from newsdedup.run.pipeline import run
from newsdedup.text.normalize import normalize_for_matching
from tests.cluster.multilingual import MIXED

BODIES = [
    "L'incendie de l'Hérault a détruit la forêt.",
    "The fire in the forest was put out.",
    "Der Brand im Wald ist gelöscht, und die Feuerwehr zieht ab.",
]
TITLES = ["L'incendie de l'Hérault", "Forest fire out", "Waldbrand gelöscht"]


def _stage(tmp_path: Path) -> list[tuple[str, np.ndarray]]:
    path = tmp_path / "part0.arrow"
    table = pa.table(
        {
            "title": TITLES,
            "body": BODIES,
            "match_text": [normalize_for_matching(b) for b in BODIES],
        }
    )
    write_stage(table, path)
    return [(str(path), np.ones(len(BODIES), dtype=bool))]


def test_staged_features_follow_each_article_language(tmp_path: Path) -> None:
    parts = _stage(tmp_path)
    rows = np.arange(3)
    feats = staged_features(parts, rows, ClusterParams(), thread_map(1), ["fr", "en", "de"])
    words = set(feats.vocab_term.tolist())
    assert {"incendie", "hérault", "forêt", "brand", "feuerwehr"} <= words
    assert not words & {"lincendie", "lhérault", "der", "und", "die", "im"}


def test_staged_features_without_languages_are_as_before(tmp_path: Path) -> None:
    parts = _stage(tmp_path)
    feats = staged_features(parts, np.arange(3), ClusterParams(), thread_map(1))
    # the staged body is read too: its capitalised names are entity terms (cluster.entities)
    ref = story_features(TITLES, [normalize_for_matching(b) for b in BODIES], ClusterParams(), bodies=BODIES)
    np.testing.assert_array_equal(feats.term, ref.term)
    np.testing.assert_array_equal(feats.weight, ref.weight)
    assert "lhérault" in set(feats.vocab_term.tolist())


def _write_jsonl(path: Path, lang: str, day: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {"id": f"{lang}-{i}", "title": t, "body": b, "published_at": f"{day}T10:0{i}:00Z"}
        for i, (t, b) in enumerate(MIXED[lang])
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_the_history_keeps_languages_so_a_later_run_does_not_merge_across_them(tmp_path: Path) -> None:
    """Run 1 holds a German match report, run 2 a Russian transfer story sharing its names and numbers: the
    history remembers run 1's language, so the Russian articles do not join the German story."""
    out = tmp_path / "out"
    config = Config(run=RunConfig(n_jobs=1))
    _write_jsonl(tmp_path / "day1" / "de.jsonl", "de", "2024-11-18")
    run([tmp_path / "day1"], out, config)
    history = pd.read_parquet(out / "state" / "history.parquet", columns=["article_id", "language"])
    assert dict(zip(history["article_id"], history["language"], strict=True)) == {"de-0": "de", "de-1": "de"}
    _write_jsonl(tmp_path / "day2" / "ru.jsonl", "ru", "2024-11-18")
    run([tmp_path / "day2"], out, config)
    topic = pd.read_parquet(out / "articles").set_index("article_id")["topic_id"]
    assert topic["de-0"] == topic["de-1"] and topic["ru-0"] == topic["ru-1"]
    assert topic["de-0"] != topic["ru-0"]


def test_a_state_written_before_languages_were_recorded_still_loads(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = Config(run=RunConfig(n_jobs=1))
    _write_jsonl(tmp_path / "day1" / "de.jsonl", "de", "2024-11-18")
    run([tmp_path / "day1"], out, config)
    path = (out / "state" / "history.parquet").resolve()
    old = pq.read_table(path)
    path.unlink()  # the committed version's file may be hard-linked: write a new file, not into it
    pq.write_table(old.drop_columns(["language"]), path)
    _write_jsonl(tmp_path / "day2" / "ru.jsonl", "ru", "2024-11-18")
    assert run([tmp_path / "day2"], out, config).status == "committed"
    history = pd.read_parquet(out / "state" / "history.parquet", columns=["article_id", "language"])
    assert dict(zip(history["article_id"], history["language"], strict=True)) == {
        "de-0": "und",
        "de-1": "und",
        "ru-0": "ru",
        "ru-1": "ru",
    }
