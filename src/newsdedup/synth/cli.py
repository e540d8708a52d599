"""`python -m newsdedup.synth`: write a synthetic corpus from the command line and print a one-line summary."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from newsdedup.errors import NewsdedupError
from newsdedup.synth.config import SynthConfig
from newsdedup.synth.write import write_corpus

__all__ = ["DESCRIPTION", "main"]

DESCRIPTION = "Synthetic news-like corpus with known answers, for benchmarks and end-to-end quality tests."


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; prints a one-line summary and returns an exit code."""
    parser = argparse.ArgumentParser(prog="python -m newsdedup.synth", description=DESCRIPTION)
    parser.add_argument("--n", type=int, default=1000, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--gzip", action="store_true", help="gzip the jsonl shards")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--short", action="store_true", help="title + 1-2 paragraphs per article")
    parser.add_argument("--mean-bytes", type=int, default=3000)
    parser.add_argument("--dup-rate", type=float, default=0.5)
    parser.add_argument(
        "--span-days",
        type=float,
        default=None,
        help="days covered (default: n / --articles-per-day, 7 at least)",
    )
    parser.add_argument("--articles-per-day", type=float, default=1500.0)
    parser.add_argument("--shard-size", type=int, default=100_000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="heavy sentence reuse across unrelated articles plus planted copies (synth/reuse.py; jsonl only)",
    )
    parser.add_argument(
        "--languages", default="", help="multilingual mode: comma-separated among de,es,fr,ja,ru,zh"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.reuse:
        from newsdedup.synth.reuse import ReuseConfig, write_reuse_corpus

        got = write_reuse_corpus(args.out, ReuseConfig(n_articles=args.n, seed=args.seed))
        print(f"wrote {got['articles']} articles ({got['planted']} planted copies) to {args.out}")
        return 0
    try:
        config = SynthConfig(
            n_articles=args.n,
            seed=args.seed,
            mean_bytes=args.mean_bytes,
            dup_rate=args.dup_rate,
            span_days=args.span_days,
            articles_per_day=args.articles_per_day,
            short=args.short,
            languages=tuple(x.strip() for x in args.languages.split(",") if x.strip()),
        )
        counts = write_corpus(args.out, config, fmt=args.format, gzip=args.gzip, shard_size=args.shard_size)
    except (NewsdedupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    secs = time.perf_counter() - began
    mb = counts["bytes"] / 1e6
    print(
        f"wrote {counts['articles']} articles ({counts['copies']} copies, {counts['dup_groups']} dup groups, "
        f"{counts['stories']} stories) in {counts['files']} files, {mb:.1f} MB, to {args.out} "
        f"in {secs:.1f}s ({counts['articles'] / max(secs, 1e-9):.0f} articles/s, {mb / max(secs, 1e-9):.1f} MB/s)"
    )
    return 0
