"""The job on hand-written news in German, French, Spanish, Russian, Chinese and Japanese (tests/data/multilingual):
each language's near-copy grouped with its original, rewrites and other stories apart, the language of every
article, per-language counts in the manifest, dense-script shingling kept across runs."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from newsdedup.errors import StateError
from newsdedup.io.state import check_compatible, signature_params
from newsdedup.params import Config, DedupParams
from newsdedup.run.pipeline import run

CORPUS = Path(__file__).resolve().parents[1] / "data" / "multilingual"
LABELS = pd.read_csv(CORPUS / "labels.csv").set_index("id")


def pairs(groups: pd.Series) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _, ids in groups.groupby(groups):
        out.update(itertools.combinations(sorted(ids.index), 2))
    return out


def articles(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "articles").set_index("article_id")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("multilingual") / "out"
    result = run([CORPUS / "raw", CORPUS / "feed.jsonl"], out, Config())
    assert result.exit_code == 0
    return out, result.manifest


def test_duplicate_groups_and_languages_are_the_labelled_ones(output: tuple[Path, dict[str, object]]) -> None:
    out, manifest = output
    a = articles(out)
    assert sorted(a.index) == sorted(LABELS.index)
    assert pairs(a["dup_group_id"]) == pairs(LABELS["dup_group"])
    assert (a["language"] == LABELS.loc[a.index, "language"]).all()
    assert manifest["languages"] == {lang: 4 for lang in ("de", "es", "fr", "ja", "ru", "zh")}


def test_whitespace_shingling_misses_chinese_and_japanese_copies(tmp_path: Path) -> None:
    config = Config()
    same = replace(config, dedup=replace(config.dedup, dense_shingle="same"))
    run([CORPUS / "raw", CORPUS / "feed.jsonl"], tmp_path / "out", same)
    a = articles(tmp_path / "out")
    missed = pairs(LABELS["dup_group"]) - pairs(a["dup_group_id"])
    assert {LABELS.loc[p[0], "language"] for p in missed} == {"zh", "ja"}


def test_copies_in_a_later_run_join_their_originals_and_other_shingling_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([CORPUS / "raw"], out, Config())
    # the first run's parts as an earlier version wrote them: no language column
    for part in (out / "articles").glob("*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.drop_columns(["language"]).replace_schema_metadata(table.schema.metadata), part)
    run([CORPUS / "feed.jsonl"], out, Config())
    a = articles(out)
    assert pairs(a["dup_group_id"]) == pairs(LABELS["dup_group"])
    assert (a["language"] == LABELS.loc[a.index, "language"]).all()
    config = Config()
    other = replace(config, dedup=replace(config.dedup, dense_shingle_size=4))
    copy = tmp_path / "copy"
    shutil.copytree(CORPUS, copy)
    (copy / "feed.jsonl").write_text((copy / "feed.jsonl").read_text().replace('"id": "', '"id": "x-'))
    with pytest.raises(StateError, match="shingling"):
        run([copy / "feed.jsonl"], out, other)


def test_a_state_from_before_per_script_shingling_is_accepted() -> None:
    params = DedupParams()
    stored = signature_params(params)
    old = {k: v for k, v in stored.items() if k != "shingling"}
    check_compatible(old, params, "old")
    check_compatible(stored, params, "new")
    with pytest.raises(StateError, match="shingling"):
        check_compatible(stored, DedupParams(dense_shingle="same"), "new")
