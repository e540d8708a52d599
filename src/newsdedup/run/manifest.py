"""Step 7, manifest: what the run did, written as ``runs/<run_id>.json`` in the new version, and the
:class:`RunResult` the library returns (and the CLI turns into its exit code)."""

from __future__ import annotations

import os
import platform
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdedup.config import config_to_dict
from newsdedup.io.schema import SCHEMA_VERSION
from newsdedup.run.budget import memory_record

if TYPE_CHECKING:  # the steps' results, for annotations: importing the steps here would load every stage
    from newsdedup.incremental import Retention
    from newsdedup.io.store import Staging
    from newsdedup.run.cluster_step import Clustered
    from newsdedup.run.context import RunContext
    from newsdedup.run.dedup_step import Deduped
    from newsdedup.run.discover_step import Found
    from newsdedup.run.read_step import Parsed

__all__ = ["EXIT_OK", "EXIT_TOO_MANY_REJECTS", "RunResult", "manifest_step"]

EXIT_OK = 0
EXIT_TOO_MANY_REJECTS = 65


@dataclass
class RunResult:
    """What a run did: its id, where it wrote, counts, and the exit code the CLI should use."""

    run_id: str
    output: Path
    status: str  # "committed" | "nothing_new" | "no_inputs" (a first run over empty inputs commits nothing)
    exit_code: int
    counts: dict[str, int] = field(default_factory=dict)
    reject_fraction: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)


def package_versions() -> dict[str, str]:
    """The versions of Python, newsdedup and the libraries that decide its output."""
    from newsdedup import __version__  # looked up here: its metadata lookup is a bare import's main cost

    out = {"python": platform.python_version(), "newsdedup": __version__}
    for name in ("datasketch", "scikit-learn", "pandas", "pyarrow", "numpy", "scipy", "ftfy", "xxhash"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest_step(
    ctx: RunContext,
    staging: Staging,
    found: Found,
    parsed: Parsed,
    deduped: Deduped,
    clustered: Clustered,
    kept: Retention,
) -> RunResult:
    """Write the run's manifest into ``staging``; returns the run's result."""
    n_accepted = len(parsed.articles)
    n_rejected = len(parsed.rejects)
    n_seen = n_accepted + n_rejected + parsed.already_seen  # already-seen records are no rejects
    reject_fraction = n_rejected / n_seen if n_seen else 0.0
    too_many = reject_fraction > ctx.config.input.max_reject_fraction
    exit_code = EXIT_TOO_MANY_REJECTS if too_many else EXIT_OK
    counts = _counts(ctx, found, parsed, deduped, clustered, kept)
    output = staging.path.parent.parent
    manifest: dict[str, Any] = {
        "run_id": ctx.run_id,
        "schema_version": SCHEMA_VERSION,
        "started_at": ctx.started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "status": "committed",
        "exit_code": exit_code,
        "mode": "full_refresh" if ctx.full_refresh else "incremental" if ctx.incremental else "snapshot",
        "output": str(output),
        "argv": sys.argv,
        "host": platform.node(),
        "pid": os.getpid(),
        "inputs": _inputs(found, parsed),
        "already_processed": [
            {"path": f.path, "xxh3_128": parsed.digests.get(f.path)} for f in found.already
        ],
        "skipped": [{"path": k.path, "reason": k.reason} for k in found.skipped],
        "counts": counts,
        "languages": _languages(parsed),
        "reject_reasons": dict(sorted(Counter(r.reason for r in parsed.rejects).items())),
        "reject_fraction": round(reject_fraction, 6),
        "record_skip_reasons": dict(sorted(parsed.skipped_records.items())),
        "topic_merge_candidates": clustered.merges,
        "theme_merge_candidates": clustered.theme_merges,
        "steps": ctx.steps.as_dict(),
        "memory": memory_record(ctx.config.run),
        "config": config_to_dict(ctx.config),
        "parameters": ctx.meta,
        "versions": package_versions(),
    }
    staging.write_json("runs", f"{ctx.run_id}.json", manifest)
    return RunResult(
        run_id=ctx.run_id,
        output=output,
        status="committed",
        exit_code=exit_code,
        counts=counts,
        reject_fraction=reject_fraction,
        manifest=manifest,
    )


def _counts(
    ctx: RunContext, found: Found, parsed: Parsed, deduped: Deduped, clustered: Clustered, kept: Retention
) -> dict[str, int]:
    """The run's counts, from the files found to the history retained."""
    arts, dup, topic_id = parsed.articles, deduped.columns, clustered.topic_id
    old_topics = set(ctx.state.history["topic_id"])
    return {
        "files": len(found.files),
        "skipped_files": len(found.skipped),
        "unsupported_files": len(found.unsupported),
        "already_processed_files": len(found.already),
        "records_seen": len(arts) + len(parsed.rejects) + parsed.already_seen,
        "accepted": len(arts),
        "rejected": len(parsed.rejects),
        "already_seen": parsed.already_seen,
        "skipped_records": sum(parsed.skipped_records.values()),
        "updated": len(parsed.updates),
        "articles": len(arts),
        "canonical": int(dup["is_canonical"].sum()) if len(arts) else 0,
        "duplicates": len(deduped.duplicates),
        "dup_groups": int(dup["dup_group_id"].nunique()) if len(arts) else 0,
        "topics": len(clustered.topics),
        "new_topics": int(topic_id[~topic_id.isin(old_topics)].nunique()) if len(arts) else 0,
        "themes": len(clustered.themes),
        "new_themes": int((~clustered.themes["theme_id"].isin(ctx.state.themes.ids)).sum()),
        "retained_history": kept.retained,
    }


def _languages(parsed: Parsed) -> dict[str, int]:
    """The run's accepted articles per language (ISO 639-1 code or "und")."""
    if not len(parsed.articles):
        return {}
    return {str(k): int(v) for k, v in sorted(Counter(parsed.articles["language"]).items())}


def _inputs(found: Found, parsed: Parsed) -> list[dict[str, Any]]:
    """One entry per input file read: where it is, its digest and its record counts (all 0 for a file that
    held no record, such as a feed with no item)."""
    out = []
    for f in found.files:
        per_file = parsed.per_file.get(f.rel, Counter())
        out.append(
            {
                "path": f.path,
                "id_root": str(f.root),
                "rel": f.rel,
                "format": f.format,
                "size": f.size,
                "xxh3_128": parsed.digests.get(f.path),
                "records_seen": per_file["accepted"] + per_file["rejected"] + per_file["already_seen"],
                "accepted": per_file["accepted"],
                "rejected": per_file["rejected"],
                "already_seen": per_file["already_seen"],
                "skipped_records": per_file["skipped"],
            }
        )
    return out
