"""The Dask engine (LocalCluster, two workers) gives exactly the local engine's tables, with the candidate
blocks verified on the workers."""

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

from newsdedup.dedup import candidates_from_signatures, find_duplicates, lsh_params, sketch_texts
from newsdedup.params import Config, DedupParams
from newsdedup.run.dask_engine import DaskEngine
from newsdedup.run.dask_verify import VERIFY_EVENT, worker_verifier
from newsdedup.run.pipeline import run
from newsdedup.synth import SynthConfig, write_corpus
from tests.conftest import SAMPLE
from tests.dedup.planted import PLANTED, frame
from tests.dedup.test_blocks import reuse_corpus
from tests.hostile import write_hostile_corpus

pytestmark = pytest.mark.slow


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in ("articles", "topics", "duplicates", "rejects"):
        df = pd.read_parquet(out / name).drop(columns=["run_id"])
        tables[name] = df.sort_values(list(df.columns[:2])).reset_index(drop=True)
    return tables


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local,
        Client(local) as client,
    ):
        yield client


def _verified(client: Any) -> list[dict[str, Any]]:
    """What the workers logged per verified piece of candidate pairs."""
    return [msg for _when, msg in client.get_events(VERIFY_EVENT)]


def test_dask_engine_matches_local_engine(tmp_path: Path, cluster: Any) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLE / "raw", inputs / "sample")
    shutil.copy(SAMPLE / "feed.jsonl", inputs / "feed.jsonl")
    write_corpus(inputs / "synth", SynthConfig(n_articles=300, seed=5), fmt="txt")
    (inputs / "synth" / "labels.csv").unlink()
    (inputs / "synth" / "fields.jsonl").unlink()
    write_hostile_corpus(inputs / "hostile")
    local = run([inputs], tmp_path / "local", Config())
    config = Config()
    before = len(_verified(cluster))
    address = cluster.scheduler.address
    dask_config = replace(config, run=replace(config.run, engine="dask", scheduler=address))
    dask_result = run([inputs], tmp_path / "dask", dask_config)
    assert local.counts == dask_result.counts
    pieces = _verified(cluster)[before:]
    workers = set(cluster.scheduler_info()["workers"])
    assert pieces and {piece["worker"] for piece in pieces} <= workers
    dedup = dask_result.manifest["steps"]["dedup"]
    assert sum(piece["pairs"] for piece in pieces) == dedup["candidate_pairs"] > 0
    assert dedup["candidate_pairs"] == local.manifest["steps"]["dedup"]["candidate_pairs"]
    a, b = _tables(tmp_path / "local"), _tables(tmp_path / "dask")
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_dask_banding_equals_local_banding() -> None:
    rng = np.random.default_rng(0)
    params = DedupParams(max_bucket_size=3, lsh_threshold=0.19)  # the shuffle builds a single banding
    bands, rows = lsh_params(params)
    base = rng.integers(0, 50, size=(40, params.num_perm), dtype=np.uint32)
    sig = np.vstack([base, base[:25], base[:5], base[:5]])  # buckets of 2, 3 and 4 (> max: star + chain)
    with DaskEngine(n_workers=2) as engine:
        got = engine.candidates(params)(sig, bands, rows, params.max_bucket_size)
    want = candidates_from_signatures(sig, bands, rows, params.max_bucket_size)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert got[2] == want[2] > 0


def test_default_banding_plan_is_not_shuffled() -> None:
    # the shuffle builds one banding; the default plan of two runs on the client, as locally
    engine = DaskEngine()
    assert engine.candidates(DedupParams()) is None


@pytest.mark.parametrize("on_file", [False, True])
def test_blocks_verified_on_workers_give_the_local_result(
    tmp_path: Path, cluster: Any, on_file: bool
) -> None:
    params = DedupParams()
    docs = frame({**PLANTED, **reuse_corpus()})
    sketches = sketch_texts(docs["match_text"].tolist(), params)
    if on_file:  # as in a run: the shingle hashes memory-mapped read-only from a file the workers map too
        path = tmp_path / "shingles.u32"
        sketches.hashes.tofile(path)
        sketches = replace(sketches, hashes=np.memmap(path, dtype=sketches.hashes.dtype, mode="r"))
    local = find_duplicates(docs, params, sketches=sketches, block_pairs=3)
    before = len(_verified(cluster))
    # blocks of 3 pairs, at most 2 pieces out: pieces finish out of order and are put back in order
    remote = find_duplicates(
        docs, params, sketches=sketches, block_pairs=3, verify=worker_verifier(cluster, 2, in_flight=2)
    )
    pd.testing.assert_frame_equal(remote.assignments, local.assignments)
    pd.testing.assert_frame_equal(remote.duplicates, local.duplicates)
    for key in ("candidate_pairs", "verified_pairs", "near_edges", "containment_edges", "candidate_blocks"):
        assert remote.stats[key] == local.stats[key], key
    pieces = _verified(cluster)[before:]
    assert 1 < len(pieces) <= local.stats["candidate_blocks"]  # one piece per non-empty block of 3 pairs
    assert sum(piece["pairs"] for piece in pieces) == local.stats["candidate_pairs"]
