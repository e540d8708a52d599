"""The read and parse steps end to end: a run cut into many tasks equals a one-task run (learned boilerplate,
repeated ids, the articles files written per thread)."""

import dataclasses
import json
from pathlib import Path

import pandas as pd

from newsdedup.params import Config, RunConfig
from newsdedup.run.pipeline import run


def _learned_corpus(root: Path) -> None:
    """One outlet whose articles all end with a short line the built-in rules do not know: learned
    boilerplate, whose counts only reach the threshold over several chunks."""
    root.mkdir()
    rows = []
    for i in range(40):
        body = (
            f"Council member {i} said the plan for district {i} would change how the rail yard is used. "
            f"Residents of ward {i} asked for a vote before the summer break.\n\n"
            f"The meeting on item {i} ran late into the evening.\n\n"
            "Gazette readers fund our reporting on the district."
        )
        rows.append({"id": f"g{i:03d}", "title": f"Plan {i}", "body": body, "source": "Gazette"})
    rows.append(rows[3] | {"title": "repeated id"})  # a repeated id in a later chunk: first one wins
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def _tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    a = pd.read_parquet(out / "articles").drop(columns=["run_id"]).sort_values("article_id")
    r = pd.read_parquet(out / "rejects").drop(columns=["run_id"]).sort_values(["input", "record"])
    return a.reset_index(drop=True), r.reset_index(drop=True)


def test_chunked_run_equals_one_chunk_run(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    _learned_corpus(tmp_path / "in")
    inputs = [SAMPLE / "raw", SAMPLE / "feed.jsonl", tmp_path / "in"]
    big = run(inputs, tmp_path / "one", Config())
    small_cfg = dataclasses.replace(Config(), run=RunConfig(chunk_bytes=4096))
    small = run(inputs, tmp_path / "many", small_cfg)
    assert small.manifest["steps"]["read"]["tasks"] > 5 > big.manifest["steps"]["read"]["tasks"]
    a1, r1 = _tables(tmp_path / "one")
    a2, r2 = _tables(tmp_path / "many")
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(r1, r2)
    parse = small.manifest["steps"]["parse"]
    assert (
        parse["learned_boilerplate_lines"] == big.manifest["steps"]["parse"]["learned_boilerplate_lines"] == 1
    )
    gazette = a2[a2["source"] == "Gazette"]
    assert len(gazette) == 40
    assert not gazette["body"].str.contains("Gazette readers fund").any()
    assert gazette["removed_kinds"].map(lambda k: "learned=1" in list(k)).all()
    assert (r2["reason"] == "duplicate_id").sum() == 1
    # the many-task run wrote its articles in one file per thread (n_jobs = 2), the one-task run in one;
    # read in name order, the files give the same rows in the same (input) order
    assert len(list((tmp_path / "many" / "articles").glob("part-*.parquet"))) == 2
    assert len(list((tmp_path / "one" / "articles").glob("part-*.parquet"))) == 1
    ids = [pd.read_parquet(tmp_path / name / "articles", columns=["article_id"]) for name in ("one", "many")]
    assert ids[0]["article_id"].tolist() == ids[1]["article_id"].tolist()
