"""Per-article throughput on one core: parse, matching text, boilerplate keys and dedup sketches.

    .venv/bin/python benchmarks/bench_parse.py [--n 5000]

Generates a synthetic corpus (newsdedup.synth, five outlet layouts, ~3 KB articles) as raw-layout .txt and
as JSONL, reads it, then times in this process only (best of three, CPU seconds) the work a parse worker
does per article: ``parse_one``, ``matching_text``, ``line_keys`` and ``dedup.sketch_texts`` (shingles and
MinHash), one call per article as the pipeline makes them; and the sketch with the word counts taken from
the shingling pass (``minhash.word_shingles_and_counts``). Compiled kernels are loaded first and their load
time printed apart.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

from newsdedup.dedup import sketch_texts
from newsdedup.dedup.minhash import minhash_signatures, word_shingles_and_counts
from newsdedup.io.discover import discover
from newsdedup.io.readers import read_file
from newsdedup.model import ParsedArticle, RawRecord
from newsdedup.params import DedupParams
from newsdedup.run.articles import parse_one
from newsdedup.synth import SynthConfig, write_corpus
from newsdedup.text.boilerplate import line_keys
from newsdedup.text.kernels import warm_up
from newsdedup.text.normalize import matching_text


def _records(root: Path, n: int, fmt: str) -> list[RawRecord]:
    write_corpus(root, SynthConfig(n_articles=n, seed=1), fmt=fmt)
    files, _ = discover([root / ("raw" if fmt == "txt" else "data")])
    return [r for f in files for r in read_file(f) if isinstance(r, RawRecord)]  # synthetic ids are unique


def _best(fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(3):
        start = time.process_time()
        out = fn()
        best = min(best, time.process_time() - start)
    return best, out


def _parse_all(recs: list[RawRecord]) -> list[ParsedArticle]:
    return [parse_one(r, "UTC") for r in recs]


def _match_all(arts: list[ParsedArticle]) -> list[str]:
    return [matching_text(a, include_title=True) for a in arts]


def _keys_all(arts: list[ParsedArticle]) -> list[frozenset[str]]:
    return [line_keys(a.body) for a in arts]


def _batch_sketch(texts: list[str], params: DedupParams) -> np.ndarray:
    [xxhash.xxh3_128_digest(t.encode("utf-8")) for t in texts]
    hashes, offsets, _ = word_shingles_and_counts(texts, size=params.shingle_size)
    return minhash_signatures(hashes, offsets, num_perm=params.num_perm, seed=params.seed)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    args = ap.parse_args()
    print(f"kernel load (compile on a fresh install): {warm_up():.2f} s")
    params = DedupParams(n_jobs=1)
    tmp = Path(tempfile.mkdtemp(prefix="bench-parse-"))
    try:
        for fmt in ("txt", "jsonl"):
            recs = _records(tmp / fmt, args.n, fmt)
            t_parse, arts = _best(partial(_parse_all, recs))
            t_match, match = _best(partial(_match_all, arts))
            t_keys, _ = _best(partial(_keys_all, arts))
            t_sketch, _ = _best(partial(sketch_texts, match, params))
            t_counts, _ = _best(partial(_batch_sketch, match, params))
            total = t_parse + t_match + t_keys + t_sketch
            n = len(recs)
            print(
                f"{fmt:5s} {n} articles: parse {t_parse:.3f} s, matching_text {t_match:.3f} s, line_keys "
                f"{t_keys:.3f} s, sketch_texts {t_sketch:.3f} s ({t_counts:.3f} s with word_shingles_and_counts) "
                f"-> {n / total:,.0f} articles/s per core"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
