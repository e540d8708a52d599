"""``newsdedup calibrate``: the sweep re-scores the job's own stages, and its snippet is a config the job loads."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsdedup.calibrate import calibrate, snippet
from newsdedup.cli import main
from newsdedup.config import load_config
from newsdedup.evaluate import evaluate

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "newsdedup" / "sample"
LABELS = SAMPLE / "labels.csv"


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("calibrate") / "out"
    assert (
        main(
            [
                "run",
                "--quiet",
                "--input",
                str(SAMPLE / "raw"),
                str(SAMPLE / "feed.jsonl"),
                "--output",
                str(out),
            ]
        )
        == 0
    )
    return out


def test_the_curve_at_the_current_thresholds_is_what_evaluate_scores(sample_output: Path) -> None:
    result = calibrate(sample_output, LABELS)
    scores = evaluate(sample_output, LABELS)
    at = {s: {p["threshold"]: p["f1"] for p in result[s]["curve"]} for s in ("dedup", "cluster")}
    assert result["matched"] == scores["matched"] == 44
    assert at["dedup"][0.5] == scores["duplicates"]["pairwise"]["f1"]
    assert at["cluster"][0.16] == scores["topics"]["bcubed"]["f1"]
    for section in ("dedup", "cluster"):
        best = result[section]["best"]
        assert at[section][best] == max(at[section].values())


def test_a_higher_cluster_threshold_splits_a_story_the_default_joins(sample_output: Path) -> None:
    """The sample's labelled stories: at 0.4 one story is split in two (recall 0.915); the default 0.16
    joins it (its articles share names and places, weighed as entity terms) as 0.1 does, without joining
    two stories (precision stays 1); of the tied best, the one nearest the current setting is chosen."""
    result = calibrate(sample_output, LABELS, cluster_sweep=(0.1, 0.16, 0.4))
    curve = {p["threshold"]: p for p in result["cluster"]["curve"]}
    assert curve[0.1]["recall"] == curve[0.16]["recall"] == 1.0 > curve[0.4]["recall"]
    assert curve[0.1]["precision"] == curve[0.16]["precision"] == curve[0.4]["precision"] == 1.0
    assert result["cluster"]["best"] == 0.16


def test_the_command_writes_a_snippet_the_job_loads(sample_output: Path, tmp_path: Path) -> None:
    target = tmp_path / "cal.toml"
    args = ["calibrate", "--output", str(sample_output), "--labels", str(LABELS), "--out", str(target)]
    assert main(args) == 0
    values = tomllib.loads(target.read_text(encoding="utf-8"))
    config = load_config(target, environ={})
    assert config.cluster.threshold == values["cluster"]["threshold"] == 0.16  # tied best, nearest current
    assert config.dedup.threshold == values["dedup"]["threshold"] == 0.5
    assert snippet(calibrate(sample_output, LABELS)) == target.read_text(encoding="utf-8")


def test_an_output_with_no_labelled_article_is_a_usage_error(sample_output: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("id,story\nnot-there,s1\n", encoding="utf-8")
    assert main(["calibrate", "--output", str(sample_output), "--labels", str(labels)]) == 2


def test_an_id_labelled_twice_takes_its_first_label(sample_output: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    text = LABELS.read_text(encoding="utf-8")
    labels.write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")  # the first row again
    result = calibrate(sample_output, labels)
    assert result["repeated_label_ids"] == 1
    assert result["cluster"]["curve"] == calibrate(sample_output, LABELS)["cluster"]["curve"]
