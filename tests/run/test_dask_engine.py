"""The Dask engine (LocalCluster, two workers) gives exactly the local engine's tables."""

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

from newsdedup.dedup import candidates_from_signatures, lsh_params
from newsdedup.params import Config, DedupParams
from newsdedup.run.dask_engine import DaskEngine
from newsdedup.run.pipeline import run
from newsdedup.synth import SynthConfig, write_corpus
from tests.conftest import SAMPLE
from tests.hostile import write_hostile_corpus

pytestmark = pytest.mark.slow


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in ("articles", "topics", "duplicates", "rejects"):
        df = pd.read_parquet(out / name).drop(columns=["run_id"])
        tables[name] = df.sort_values(list(df.columns[:2])).reset_index(drop=True)
    return tables


def test_dask_engine_matches_local_engine(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLE / "raw", inputs / "sample")
    shutil.copy(SAMPLE / "feed.jsonl", inputs / "feed.jsonl")
    write_corpus(inputs / "synth", SynthConfig(n_articles=300, seed=5), fmt="txt")
    (inputs / "synth" / "labels.csv").unlink()
    (inputs / "synth" / "fields.jsonl").unlink()
    write_hostile_corpus(inputs / "hostile")
    local = run([inputs], tmp_path / "local", Config())
    config = Config()
    dask_result = run([inputs], tmp_path / "dask", replace(config, run=replace(config.run, engine="dask")))
    assert local.counts == dask_result.counts
    a, b = _tables(tmp_path / "local"), _tables(tmp_path / "dask")
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_dask_banding_equals_local_banding() -> None:
    rng = np.random.default_rng(0)
    params = DedupParams(max_bucket_size=3)
    bands, rows = lsh_params(params)
    base = rng.integers(0, 50, size=(40, params.num_perm), dtype=np.uint32)
    sig = np.vstack([base, base[:25], base[:5], base[:5]])  # buckets of 2, 3 and 4 (> max: star + chain)
    with DaskEngine(n_workers=2) as engine:
        got = engine.candidates(params)(sig, bands, rows, params.max_bucket_size)
    want = candidates_from_signatures(sig, bands, rows, params.max_bucket_size)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert got[2] == want[2] > 0
