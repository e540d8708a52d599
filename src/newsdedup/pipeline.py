"""The batch job: read -> parse -> dedup -> cluster -> write, each step timed and counted.

:func:`run` is the one entry point the CLI and the cron job call. The stages themselves are pure functions in
their own modules (``read``, ``parse``, ``normalize``, ``dedup``, ``cluster``); this module only wires them,
counts what goes in and out, and hands the tables to the output store.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import xxhash

from newsdedup import __version__
from newsdedup.articles import parse_records
from newsdedup.cluster import cluster_stories
from newsdedup.config import Config, config_to_dict
from newsdedup.dedup import find_duplicates
from newsdedup.read import InputFile, RawRecord, Reject, Skipped, discover, file_digest, read_all
from newsdedup.schema import SCHEMA_VERSION, to_arrow
from newsdedup.steps import StepLog
from newsdedup.store import OutputStore, Staging

logger = logging.getLogger(__name__)

__all__ = ["EXIT_OK", "EXIT_TOO_MANY_REJECTS", "RunResult", "run"]

EXIT_OK = 0
EXIT_TOO_MANY_REJECTS = 65


@dataclass
class RunResult:
    """What a run did: its id, where it wrote, counts, and the exit code the CLI should use."""

    run_id: str
    output: Path
    status: str  # "committed" | "nothing_new"
    exit_code: int
    counts: dict[str, int] = field(default_factory=dict)
    reject_fraction: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)


def _new_run_id() -> str:
    # Run ids name runs, not data: a UTC timestamp sorts runs in order; article, group and topic ids are
    # derived from content and never from it.
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _package_versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "newsdedup": __version__}
    for name in ("datasketch", "scikit-learn", "pandas", "pyarrow", "numpy", "scipy", "ftfy", "xxhash"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def pipeline_metadata(config: Config) -> dict[str, Any]:
    """Parameters recorded in every table's Parquet metadata."""
    d = config.dedup
    return {
        "newsdedup_version": __version__,
        "minhash": {"scheme": d.scheme, "seed": d.seed, "num_perm": d.num_perm},
        "dedup": config_to_dict(config)["dedup"],
        "cluster": config_to_dict(config)["cluster"],
    }


@dataclass
class _Inputs:
    files: list[InputFile]
    skipped: list[Skipped]
    digests: dict[str, str]


def _read(
    files: Sequence[InputFile], config: Config
) -> tuple[list[RawRecord], list[Reject], dict[str, Counter[str]]]:
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    per_file: dict[str, Counter[str]] = {f.rel: Counter() for f in files}
    for item in read_all(files, max_article_bytes=config.input.max_article_bytes):
        counter = per_file.setdefault(item.input, Counter())
        if isinstance(item, Reject):
            rejects.append(item)
            counter["rejected"] += 1
        else:
            records.append(item)
            counter["accepted"] += 1
    return records, rejects, per_file


def _rejects_frame(rejects: Sequence[Reject], run_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "input": [r.input for r in rejects],
            "record": pd.array([r.record for r in rejects], dtype="Int64"),
            "reason": [r.reason for r in rejects],
            "detail": [r.detail for r in rejects],
            "run_id": run_id,
        }
    )


def _content_hash(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8"))


def run(
    inputs: Sequence[str | Path],
    output: str | Path,
    config: Config,
    *,
    full_refresh: bool = False,
) -> RunResult:
    """Run the whole job on ``inputs`` into the output folder ``output``; returns what happened.

    Raises LockHeldError when another run holds the output's lock, InputError for a missing input path,
    StateError for unreadable state. Rejected records never raise: they are counted and written.
    """
    store = OutputStore(output)
    run_id = _new_run_id()
    steps = StepLog()
    started = datetime.now(UTC)
    with store.lock():
        store.recover()
        with steps.step("discover") as s:
            files, skipped = discover(list(inputs))
            digests = {f.rel: file_digest(f.path) for f in files}
            s.n_out = len(files)
            s.extra["skipped"] = len(skipped)
        staging = store.begin(run_id)
        result = _run_in_staging(
            staging, _Inputs(files, skipped, digests), config, steps, run_id, started, full_refresh
        )
        if result.status == "committed":
            store.commit(staging)
        else:
            import shutil

            shutil.rmtree(staging.path, ignore_errors=True)
        return result


def _run_in_staging(
    staging: Staging,
    inputs: _Inputs,
    config: Config,
    steps: StepLog,
    run_id: str,
    started: datetime,
    full_refresh: bool,
) -> RunResult:
    output = staging.path.parent.parent
    with steps.step("read", n_in=len(inputs.files)) as s:
        records, rejects, per_file = _read(inputs.files, config)
        s.n_out = len(records)
        s.extra["rejected"] = len(rejects)

    with steps.step("parse", n_in=len(records)) as s:
        arts, parse_stats = parse_records(records, config.parse, n_jobs=config.run.n_jobs)
        arts["content_hash"] = [_content_hash(t) for t in arts["match_text"]]
        s.n_out = len(arts)
        s.extra.update({k: parse_stats[k] for k in ("published_missing", "published_tz_assumed")})
        s.details.update(parse_stats)

    with steps.step("dedup", n_in=len(arts)) as s:
        docs = pd.DataFrame(
            {
                "article_id": arts["article_id"],
                "match_text": arts["match_text"],
                "published_at": arts["published_at"],
                "body_len": arts["body_chars"],
                "source": arts["source"],
            }
        )
        dedup = find_duplicates(docs, config.dedup)
        assign = dedup.assignments.set_index("article_id")
        arts["dup_group_id"] = arts["article_id"].map(assign["dup_group_id"])
        arts["canonical_id"] = arts["article_id"].map(assign["canonical_id"])
        arts["is_canonical"] = arts["article_id"].map(assign["is_canonical"]).astype(bool)
        arts["dup_similarity"] = arts["article_id"].map(assign["dup_similarity"]).astype(float)
        arts["dup_method"] = arts["article_id"].map(assign["method"])
        arts["canonical_reason"] = arts["article_id"].map(assign["canonical_reason"])
        s.n_out = int(arts["is_canonical"].sum())
        s.extra.update(
            {k: dedup.stats[k] for k in ("exact_dups", "candidate_pairs", "duplicates") if k in dedup.stats}
        )
        s.details.update(dedup.stats)

    with steps.step("cluster", n_in=int(arts["is_canonical"].sum())) as s:
        canon = arts[arts["is_canonical"]]
        group_sources = arts.groupby("dup_group_id")["source"].agg(
            lambda v: sorted({x for x in v if isinstance(x, str) and x})
        )
        group_size = arts.groupby("dup_group_id").size()
        cdocs = pd.DataFrame(
            {
                "article_id": canon["article_id"].to_numpy(),
                "title": canon["title"].to_numpy(),
                "match_text": canon["match_text"].to_numpy(),
                "published_at": canon["published_at"].to_numpy(),
                "source": canon["source"].to_numpy(),
                "group_size": canon["dup_group_id"].map(group_size).to_numpy(),
                "group_sources": canon["dup_group_id"].map(group_sources).to_numpy(),
            }
        )
        topic_of_canon, topics = cluster_stories(cdocs, config.cluster)
        topic_by_group = pd.Series(topic_of_canon.to_numpy(), index=canon["dup_group_id"].to_numpy())
        arts["topic_id"] = arts["dup_group_id"].map(topic_by_group)
        topics["run_id"] = run_id
        s.n_out = len(topics)

    with steps.step("write", n_in=len(arts)) as s:
        arts["run_id"] = run_id
        meta = pipeline_metadata(config)
        staging.write_table("articles", f"part-{run_id}", to_arrow("articles", arts, meta))
        dups = dedup.duplicates.copy()
        dups["dup_group_id"] = dups["article_id"].map(assign["dup_group_id"])
        dups["run_id"] = run_id
        staging.write_table("duplicates", f"part-{run_id}", to_arrow("duplicates", dups, meta))
        staging.write_table("topics", "topics", to_arrow("topics", topics, meta))
        staging.write_table(
            "rejects", f"part-{run_id}", to_arrow("rejects", _rejects_frame(rejects, run_id), meta)
        )
        s.n_out = len(arts)

    n_rejected = len(rejects)
    n_seen = len(records) + n_rejected
    reject_fraction = n_rejected / n_seen if n_seen else 0.0
    exit_code = EXIT_TOO_MANY_REJECTS if reject_fraction > config.input.max_reject_fraction else EXIT_OK
    counts = {
        "files": len(inputs.files),
        "skipped_files": len(inputs.skipped),
        "records_seen": n_seen,
        "accepted": len(records),
        "rejected": n_rejected,
        "articles": len(arts),
        "canonical": int(arts["is_canonical"].sum()),
        "duplicates": len(dedup.duplicates),
        "dup_groups": int(arts["dup_group_id"].nunique()),
        "topics": len(topics),
    }
    reasons = Counter(r.reason for r in rejects)
    manifest: dict[str, Any] = {
        "run_id": run_id,
        "schema_version": SCHEMA_VERSION,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "status": "committed",
        "exit_code": exit_code,
        "output": str(output),
        "argv": sys.argv,
        "host": platform.node(),
        "pid": os.getpid(),
        "inputs": [
            {
                "path": str(f.path),
                "id_root": str(f.root),
                "rel": f.rel,
                "format": f.format,
                "size": f.size,
                "xxh3_128": inputs.digests[f.rel],
                "records_seen": per_file.get(f.rel, Counter())["accepted"]
                + per_file.get(f.rel, Counter())["rejected"],
                "accepted": per_file.get(f.rel, Counter())["accepted"],
                "rejected": per_file.get(f.rel, Counter())["rejected"],
            }
            for f in inputs.files
        ],
        "skipped": [{"path": k.path, "reason": k.reason} for k in inputs.skipped],
        "counts": counts,
        "reject_reasons": dict(sorted(reasons.items())),
        "reject_fraction": round(reject_fraction, 6),
        "steps": steps.as_dict(),
        "config": config_to_dict(config),
        "parameters": pipeline_metadata(config),
        "versions": _package_versions(),
        "full_refresh": full_refresh,
    }
    staging.carry_over("runs")
    staging.write_json("runs", f"{run_id}.json", manifest)
    return RunResult(
        run_id=run_id,
        output=output,
        status="committed",
        exit_code=exit_code,
        counts=counts,
        reject_fraction=reject_fraction,
        manifest=manifest,
    )
