"""The cluster step's featurisation of staged parts with the articles' languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from newsdedup.cluster import story_features
from newsdedup.io.staging import write_stage
from newsdedup.params import ClusterParams
from newsdedup.run.cluster_step import staged_features
from newsdedup.run.parallel import thread_map
from newsdedup.text.normalize import normalize_for_matching

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
    ref = story_features(TITLES, [normalize_for_matching(b) for b in BODIES], ClusterParams())
    np.testing.assert_array_equal(feats.term, ref.term)
    np.testing.assert_array_equal(feats.weight, ref.weight)
    assert "lhérault" in set(feats.vocab_term.tolist())
