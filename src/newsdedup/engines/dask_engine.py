"""The Dask engine: the same stage functions, executed on a Dask cluster.

What runs where:

- **Per partition, on the workers**: reading a group of input files (:func:`newsdedup.read.read_file`),
  parsing and matching text (:func:`newsdedup.articles.parse_chunk`), and the dedup sketches (content
  digests, shingles, MinHash signatures).
- **Shuffled by Dask**: LSH banding. Every (document, band) bucket key becomes a row of a Dask DataFrame,
  shuffled on the key so each bucket lands in one partition, where :func:`newsdedup.dedup.bucket_pair_codes`
  (the local engine's own function) emits the bucket's candidate pairs.
- **On the client**: the steps whose result depends on the whole run and must equal the local engine's:
  duplicate-id rejection in file order, boilerplate learning, verification, connected components, canonical
  choice, clustering and the write. Their inputs are small (ids, sketches, candidate pairs, matching text of
  canonical articles), so they do not need the cluster.

Because every partition runs the same pure functions and the client puts results back in input order, the
output is identical to the local engine's (tested on a LocalCluster with two workers).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.articles import parse_chunk
from newsdedup.config import Config
from newsdedup.dedup import (
    CandidateFn,
    DedupParams,
    Sketches,
    band_keys,
    bucket_pair_codes,
    codes_to_pairs,
    take_sketches,
)
from newsdedup.errors import ConfigError
from newsdedup.read import InputFile, RawRecord, Reject, read_file, reject_duplicate_ids

logger = logging.getLogger(__name__)

__all__ = ["DaskEngine"]

_PARTITION_BYTES = 64 * 1024 * 1024


def _strip(rec: RawRecord) -> RawRecord:
    # the client needs the record's identity and metadata, not its text a second time
    return dataclasses.replace(rec, text=None, body=None)


def _read_parse_partition(
    files: Sequence[InputFile], max_article_bytes: int, parse_args: tuple[Any, ...]
) -> tuple[list[RawRecord | Reject], list[Any], Sketches | None]:
    """Read and parse one partition of input files; records come back without their text."""
    items = [item for f in files for item in read_file(f, max_article_bytes=max_article_bytes)]
    records = [i for i in items if isinstance(i, RawRecord)]
    parsed, sketches = parse_chunk(records, *parse_args)
    return [_strip(i) if isinstance(i, RawRecord) else i for i in items], parsed, sketches


def _partitions(files: Sequence[InputFile]) -> list[list[InputFile]]:
    """Consecutive groups of input files of about _PARTITION_BYTES each (file order is kept)."""
    groups: list[list[InputFile]] = [[]]
    size = 0
    for f in files:
        if groups[-1] and size + f.size > _PARTITION_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(f)
        size += f.size
    return [g for g in groups if g]


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
    def read_parse(
        self, files: Sequence[InputFile], config: Config
    ) -> tuple[list[RawRecord | Reject], list[Any], Sketches]:
        """Read, parse and sketch every input on the workers; returns the items in file order (duplicate
        ids already rejected, first wins), the parse results of the accepted records and their sketches."""
        p = config.parse
        parse_args = (p.default_tz, p.include_title_in_match, p.learned_boilerplate, config.dedup)
        futures = self.client.map(
            _read_parse_partition,
            _partitions(files),
            max_article_bytes=config.input.max_article_bytes,
            parse_args=parse_args,
            pure=False,
        )
        items: list[RawRecord | Reject] = []
        parsed: list[Any] = []
        sketches: list[Sketches] = []
        for part_items, part_parsed, part_sketches in self.client.gather(futures):
            items.extend(part_items)
            parsed.extend(part_parsed)
            if part_sketches is not None:
                sketches.append(part_sketches)
        all_sketches = Sketches.concat(sketches, config.dedup)
        # the same first-wins rule as the local reader, applied in the same (file) order
        kept: list[int] = []
        out = list(reject_duplicate_ids(items))
        rec_index = 0
        for orig, final in zip(items, out, strict=True):
            if isinstance(orig, RawRecord):
                if isinstance(final, RawRecord):
                    kept.append(rec_index)
                rec_index += 1
        rows = np.array(kept, dtype=np.int64)
        return out, [parsed[i] for i in kept], take_sketches(all_sketches, rows)

    # -- LSH banding -------------------------------------------------------------------------------
    def candidates(self, params: DedupParams) -> CandidateFn:
        """The LSH banding step run as a Dask shuffle on bucket keys; same result as the local step."""
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
