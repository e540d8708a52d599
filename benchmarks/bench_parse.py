"""Parse + normalise throughput on one core: raw-layout .txt articles and structured JSONL records.

    .venv/bin/python benchmarks/bench_parse.py [--n 5000]

Generates a synthetic corpus (newsdedup.synth, five outlet layouts, ~3 KB articles), reads it, then times
``parse_chunk`` (parse, matching text, boilerplate-learning keys) in this process only, best of three, and
prints articles per second per core and MB/s.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from newsdedup.articles import parse_chunk
from newsdedup.read import RawRecord, discover, read_all
from newsdedup.synth import SynthConfig, write_corpus


def _records(root: Path, n: int, fmt: str) -> list[RawRecord]:
    write_corpus(root, SynthConfig(n_articles=n, seed=1), fmt=fmt)
    files, _ = discover([root / ("raw" if fmt == "txt" else "data")])
    return [r for r in read_all(files) if isinstance(r, RawRecord)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-parse-"))
    try:
        for fmt in ("txt", "jsonl"):
            recs = _records(tmp / fmt, args.n, fmt)
            mb = sum(len((r.text or "") + (r.body or "")) for r in recs) / 1e6
            best = min(_time(recs) for _ in range(3))
            print(
                f"{fmt:5s}: {len(recs)} articles, {mb:.1f} MB: {len(recs) / best:,.0f} articles/s per core, "
                f"{mb / best:.1f} MB/s ({best:.2f} s)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _time(recs: list[RawRecord]) -> float:
    start = time.perf_counter()
    parse_chunk(recs, "UTC", False, True, None)
    return time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())
