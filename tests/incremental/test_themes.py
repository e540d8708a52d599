"""Themes across runs: new stories join the stored themes or form new ones; ids never change; outputs
written before themes still load and run."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import newsdedup
from newsdedup.cluster.themes import Centroids, theme_id_for
from newsdedup.incremental.themes import assign_themes, theme_topics, themes_table
from newsdedup.params import Config
from newsdedup.run.pipeline import run


def _cents(ids: list[str], rows: list[dict[str, float]], weight: list[float] | None = None) -> Centroids:
    n = len(rows)
    return Centroids.from_terms(
        ids,
        [list(r) for r in rows],
        [list(r.values()) for r in rows],
        [None] * n,
        weight or [1.0] * n,
        [np.nan] * n,
    )


FILLER = [{f"w{i}": 1.0, f"v{i}": 1.0} for i in range(12)]
FOOTBALL = {"goal": 1.0, "striker": 1.0, "league": 1.0}
RATES = {"rates": 1.0, "inflation": 1.0, "bank": 1.0}


def _stored() -> Centroids:
    ids = ["h_football", "h_rates", *(f"h_f{i}" for i in range(len(FILLER)))]
    return _cents(ids, [FOOTBALL, RATES, *FILLER], [3.0, 2.0, *([1.0] * len(FILLER))])


def test_a_new_story_joins_the_stored_theme_it_is_near_and_an_unrelated_one_starts_its_own() -> None:
    new = _cents(
        ["t_new1", "t_new2"], [{"goal": 1.0, "striker": 1.0, "cup": 1.0}, {"opera": 1.0, "tenor": 1.0}]
    )
    got = assign_themes(new, _stored(), threshold=0.1)
    assert got.theme_of["t_new1"] == "h_football"
    assert got.theme_of["t_new2"] == theme_id_for("t_new2")
    assert got.merges == []
    # every earlier theme is still there, in its order, the new one after; football's centroid gained "cup"
    assert got.centroids.ids.tolist()[: len(_stored())] == _stored().ids.tolist()
    assert got.centroids.ids.tolist()[-1] == theme_id_for("t_new2")
    assert "cup" in got.centroids.row_terms(0)[0]
    assert got.centroids.weight[0] == 4.0


def test_two_new_stories_of_one_new_subject_found_together_share_a_new_theme() -> None:
    opera = [{"opera": 1.0, "tenor": 1.0, "aria": 1.0}, {"opera": 1.0, "tenor": 1.0, "soprano": 1.0}]
    got = assign_themes(_cents(["t_b", "t_a"], opera), _stored(), threshold=0.1)
    assert got.theme_of["t_a"] == got.theme_of["t_b"] == theme_id_for("t_a")  # the smallest topic id


def test_a_story_between_two_stored_themes_never_merges_them() -> None:
    stored = _stored()
    bridge = _cents(
        ["t_x"], [{"goal": 1.0, "striker": 1.0, "league": 1.0, "rates": 0.9, "inflation": 0.9, "bank": 0.9}]
    )
    got = assign_themes(bridge, stored, threshold=0.01)
    assert got.theme_of["t_x"] == "h_football"  # the nearer one
    assert got.merges == [["h_football", "h_rates"]]  # reported, not merged
    assert len(got.centroids) == len(stored)


def test_theme_topics_keeps_given_themes_and_reads_old_tables() -> None:
    topics = pd.DataFrame({"topic_id": ["t1", "t2"]})
    prev = pd.DataFrame({"topic_id": ["t1"], "theme_id": ["h_1"]})
    got = theme_topics(topics, prev)
    assert got[0] == "h_1" and got.isna().tolist() == [False, True]
    old = pd.DataFrame({"topic_id": ["t1"]})  # written before themes
    assert theme_topics(topics, old).isna().all()


def test_themes_table_counts_all_and_keeps_untouched_descriptions() -> None:
    ts = pd.Timestamp("2024-01-01", tz="UTC")
    topics = pd.DataFrame(
        {
            "topic_id": ["t1", "t2", "t3"],
            "size": [3, 2, 1],
            "keywords": [["a"], ["b"], ["c"]],
            "first_published": [ts, ts + pd.Timedelta(days=1), ts],
            "last_published": [ts, ts + pd.Timedelta(days=2), ts],
            "theme_id": ["h_football", "h_football", "h_rates"],
        }
    )
    prev = pd.DataFrame(
        {
            "theme_id": ["h_rates"],
            "label": ["kept label"],
            "keywords": [["kept"]],
            "language": [None],
            "run_id": ["r0"],
        }
    )
    table = themes_table(topics, _stored(), prev, {"h_football"}, "r1", 3)
    assert table["theme_id"].tolist() == ["h_football", "h_rates"]
    assert table["n_topics"].tolist() == [2, 1] and table["n_articles"].tolist() == [5, 1]
    football, rates = table.iloc[0], table.iloc[1]
    assert football["last_published"] == ts + pd.Timedelta(days=2)
    assert set(football["keywords"]) <= set(FOOTBALL) and football["run_id"] == "r1"
    assert rates["label"] == "kept label" and rates["run_id"] == "r0"


# --- whole runs --------------------------------------------------------------------------------------------

_SUBJECT_WORDS = {
    "sport": ["striker", "goal", "league", "coach", "players", "season", "match", "club", "fans", "stadium"],
    "money": [
        "bank",
        "rates",
        "inflation",
        "economy",
        "prices",
        "markets",
        "growth",
        "investors",
        "currency",
        "lending",
    ],
}
_EVENTS = {
    "sport": [
        ("Arsenal beat Chelsea at Highbury", "arsenal chelsea highbury henry lampard derby"),
        ("Liverpool sign Rooney from Everton", "liverpool rooney everton transfer fee medical"),
        ("Celtic win Glasgow derby", "celtic rangers glasgow parkhead larsson title"),
    ],
    "money": [
        ("Bank of England lifts its rate", "england threadneedle governor king mortgage sterling"),
        ("Federal Reserve holds in Washington", "fed washington greenspan dollar treasury bonds"),
        ("ECB warns on euro prices", "ecb frankfurt trichet euro eurozone germany"),
    ],
}


def _write(path: Path, day: int, events: dict[str, list[tuple[str, str]]]) -> None:
    """Two outlets' articles per event: the event's own words twice, five of its subject's words (a
    different five per outlet), in an order of the outlet's own, so no two are copies."""
    with open(path, "w", encoding="utf-8") as fh:
        for subject, items in events.items():
            common = _SUBJECT_WORDS[subject]
            for e, (title, words) in enumerate(items):
                for k in range(2):
                    own = words.split()
                    own = own[k:] + own[:k]
                    mixed = [*own, *common[k * 3 : k * 3 + 5], *reversed(own)]
                    body = " ".join(
                        f"{w} {mixed[(i * 7 + k) % len(mixed)]} news." for i, w in enumerate(mixed)
                    )
                    record = {
                        "id": f"d{day}-{subject}-{e}-{k}",
                        "title": title,
                        "body": body,
                        "source": f"outlet{k}",
                        "published_at": f"2024-03-0{day + e}T1{k}:00:00Z",
                    }
                    fh.write(json.dumps(record) + "\n")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, newsdedup.Result, newsdedup.Result]:
    root = tmp_path_factory.mktemp("themes")
    first = {k: v[:2] for k, v in _EVENTS.items()}
    second = {k: v[2:] for k, v in _EVENTS.items()}
    _write(root / "day1.jsonl", 1, first)
    _write(root / "day2.jsonl", 2, second)
    out = root / "out"
    run([root / "day1.jsonl"], out, Config())
    r1 = newsdedup.load(out)
    run([root / "day2.jsonl"], out, Config())
    return out, r1, newsdedup.load(out)


def test_theme_ids_are_stable_over_two_runs(
    two_runs: tuple[Path, newsdedup.Result, newsdedup.Result],
) -> None:
    out, r1, r2 = two_runs
    assert r1.topics["theme_id"].notna().all() and r2.topics["theme_id"].notna().all()
    before = r1.topics.set_index("topic_id")["theme_id"]
    after = r2.topics.set_index("topic_id")["theme_id"]
    assert (after.loc[before.index] == before).all()
    assert set(r1.themes["theme_id"]) <= set(r2.themes["theme_id"])
    assert set(r2.topics["theme_id"]) == set(r2.themes["theme_id"])
    assert r2.themes["n_topics"].sum() == len(r2.topics)
    assert r2.manifest["counts"]["themes"] == len(r2.themes)
    state = pq.read_table(out / "state" / "themes.parquet").to_pandas()
    assert sorted(state["theme_id"]) == sorted(r2.themes["theme_id"])


def test_stories_of_one_subject_share_a_theme_across_runs(
    two_runs: tuple[Path, newsdedup.Result, newsdedup.Result],
) -> None:
    _, _, r2 = two_runs
    arts = r2.articles.merge(r2.topics[["topic_id", "theme_id"]], on="topic_id")
    subject = arts["article_id"].str.split("-").str[1]
    per_subject = arts.groupby(subject)["theme_id"].nunique()
    assert (per_subject == 1).all()
    assert (
        arts.groupby("theme_id")["article_id"].apply(lambda s: s.str.split("-").str[1].nunique()).max() == 1
    )


def test_an_output_written_before_themes_loads_and_runs_on(tmp_path: Path) -> None:
    _write(tmp_path / "day1.jsonl", 1, {k: v[:2] for k, v in _EVENTS.items()})
    _write(tmp_path / "day2.jsonl", 2, {k: v[2:] for k, v in _EVENTS.items()})
    out = tmp_path / "out"
    run([tmp_path / "day1.jsonl"], out, Config())
    # make it look like an output of the version before themes: no themes table, state or topics column
    version = (out / "topics").resolve().parent
    topics_part = version / "topics" / "topics.parquet"
    pq.write_table(pq.read_table(topics_part).drop_columns(["theme_id"]), topics_part)
    shutil.rmtree(version / "themes")
    (out / "themes").unlink()
    (version / "state" / "themes.parquet").unlink()
    old = newsdedup.load(out)
    assert old.topics["theme_id"].isna().all() and len(old.themes) == 0
    run([tmp_path / "day2.jsonl"], out, Config())
    new = newsdedup.load(out)
    fresh = new.topics[~new.topics["topic_id"].isin(old.topics["topic_id"])]
    assert len(fresh) and fresh["theme_id"].notna().all()
    assert set(new.topics["theme_id"].dropna()) == set(new.themes["theme_id"])
