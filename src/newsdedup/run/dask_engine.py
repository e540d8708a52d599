"""The Dask engine: the same stage functions, executed on a Dask cluster.

What runs where:

- **Per task, on the workers**: the local engine's task function :func:`newsdedup.run.tasks.process_task`:
  reading a group of input files or a span of a big JSONL file, parsing, matching text, and the dedup
  sketches (content digests, shingles, MinHash signatures).
- **Shuffled by Dask**: LSH banding with a single banding (an explicit ``dedup.lsh_threshold``). Every
  (document, band) bucket key becomes a row of a Dask DataFrame, shuffled on the key so each bucket lands in
  one partition, where :func:`newsdedup.dedup.lsh.bucket_pair_codes` (the local engine's own function) emits
  the bucket's candidate pairs. The default plan of two bandings runs on the client, block by block.
- **Verification on the workers** (:mod:`newsdedup.run.dask_verify`): each block of candidate pairs is
  verified by :func:`newsdedup.dedup.verify_block` on the workers, which map the staging version's shingle
  hash file by its path; only the kept edges come back.
- **On the client**: the steps whose result depends on the whole run and must equal the local engine's:
  duplicate-id rejection in task order, boilerplate learning, connected components, canonical choice,
  clustering and the write (:class:`newsdedup.run.collect.Collector` and the steps, as locally).

Because every partition runs the same pure functions and the client puts results back in input order, the
output is identical to the local engine's (tested on a LocalCluster with two workers).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.dedup import CandidateFn, VerifyFn, band_keys, banding_plan, bucket_pair_codes, codes_to_pairs
from newsdedup.errors import ConfigError
from newsdedup.params import DedupParams
from newsdedup.run.dask_verify import worker_verifier
from newsdedup.run.tasks import Chunk, ChunkSettings, ReadTask, process_task

logger = logging.getLogger(__name__)

__all__ = ["DaskEngine"]


def _bucket_rows(sig: np.ndarray, start: int, bands: int, rows: int) -> pd.DataFrame:
    keys = band_keys(sig, bands, rows)
    n = sig.shape[0]
    return pd.DataFrame(
        {
            "band": np.tile(np.arange(bands, dtype=np.int64), n),
            "key": keys.reshape(-1),
            "doc": np.repeat(np.arange(start, start + n, dtype=np.int64), bands),
        }
    )


def _partition_pairs(part: pd.DataFrame, n: int, max_bucket_size: int) -> pd.DataFrame:
    if len(part) == 0:
        return pd.DataFrame({"code": np.zeros(0, dtype=np.int64), "capped": np.zeros(0, dtype=np.int64)})
    part = part.sort_values(["band", "key", "doc"], kind="stable")
    # one bucket per (band, key): number the buckets so bucket_pair_codes sees one sorted bucket column
    band, key = part["band"].to_numpy(), part["key"].to_numpy()
    bucket_id = np.cumsum(np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])])
    codes, capped = bucket_pair_codes(bucket_id, part["doc"].to_numpy(), n, max_bucket_size)
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    capped_col = np.zeros(len(code), dtype=np.int64)
    if capped:
        code = np.r_[code, -1]
        capped_col = np.r_[capped_col, capped]
    return pd.DataFrame({"code": code, "capped": capped_col})


class DaskEngine:
    """Context manager holding a Dask client: a LocalCluster when no scheduler address is given."""

    def __init__(self, scheduler: str | None = None, n_workers: int = 2) -> None:
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ConfigError("engine 'dask' needs dask[distributed]: pip install 'newsdedup[dask]'") from exc
        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=self.n_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = Client(self._cluster)
        # distributed logs each shuffle's start and end as warnings; they are routine here
        logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
        logger.info("dask engine: %s", self.client)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.client is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    # -- read and parse ----------------------------------------------------------------------------
    def chunks(self, tasks: Sequence[ReadTask], settings: ChunkSettings) -> Iterator[Chunk]:
        """Run the local engine's read/parse/sketch task function on the workers; chunks come back in task
        order, so the client applies the first-wins id rule exactly as the local engine does. The workers
        may not see the client's disk, so each chunk brings its article table and the client stages it."""
        remote = dataclasses.replace(settings, stage_in_worker=False)
        futures = self.client.map(process_task, tasks, settings=remote, pure=False)
        done = False
        try:
            for future in futures:
                chunk = future.result()
                future.release()
                yield chunk
            done = True
        finally:
            if not done:  # the run failed or was cancelled: the tasks still queued or running are dropped
                self.client.cancel(futures)

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], spill_dir: str) -> list[Any]:
        """``fn`` over ``items`` on the workers, results in item order (``spill_dir`` is the local
        engine's; results come back through the scheduler here)."""
        if not items:
            return []
        futures = self.client.map(fn, list(items), pure=False)
        try:
            return list(self.client.gather(futures))
        finally:
            self.client.cancel(futures)

    # -- verification ------------------------------------------------------------------------------
    def verifier(self) -> VerifyFn:
        """Candidate blocks verified on the workers (:mod:`newsdedup.run.dask_verify`); only kept edges
        come back to the client."""
        return worker_verifier(self.client, self.n_workers)

    # -- LSH banding -------------------------------------------------------------------------------
    def candidates(self, params: DedupParams) -> CandidateFn | None:
        """The LSH banding step run as a Dask shuffle on bucket keys; same result as the local step. Only
        for a single banding (an explicit ``dedup.lsh_threshold``): the default plan of two bandings
        (:func:`~newsdedup.dedup.banding_plan`) is not built as a shuffle yet, so it runs on the client
        (None), in blocks of bounded size, as locally."""
        if len(banding_plan(params)) > 1:
            return None
        client = self.client

        def banding(
            sig: np.ndarray, bands: int, rows: int, max_bucket_size: int
        ) -> tuple[np.ndarray, np.ndarray, int]:
            import dask.dataframe as dd
            from dask import delayed

            n = sig.shape[0]
            if n < 2:
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty.copy(), 0
            step = max(1, -(-n // (2 * self.n_workers)))
            blocks = [
                delayed(_bucket_rows)(client.scatter(sig[lo : lo + step]), lo, bands, rows)
                for lo in range(0, n, step)
            ]
            meta = pd.DataFrame(
                {
                    "band": pd.Series(dtype="int64"),
                    "key": pd.Series(dtype="uint64"),
                    "doc": pd.Series(dtype="int64"),
                }
            )
            frame = dd.from_delayed(blocks, meta=meta, verify_meta=False)
            shuffled = frame.shuffle(on="key", npartitions=max(2, len(blocks)))
            pairs = shuffled.map_partitions(
                _partition_pairs,
                n,
                max_bucket_size,
                meta=pd.DataFrame({"code": pd.Series(dtype="int64"), "capped": pd.Series(dtype="int64")}),
            )
            result = client.compute(pairs).result()
            capped = int(result["capped"].sum())
            codes = result["code"].to_numpy()
            left, right = codes_to_pairs([codes[codes >= 0]], n)
            return left, right, capped

        return banding
