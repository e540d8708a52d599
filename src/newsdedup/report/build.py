"""The report as one JSON-ready dict: :func:`build_report` gathers every section from an output folder,
:func:`write_report` renders it (HTML or JSON) and writes it in place atomically."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdedup import __version__
from newsdedup.errors import InputError
from newsdedup.io.store import write_json_atomic, write_text_atomic
from newsdedup.report import gather
from newsdedup.report.files import OutputData, load_output, read_bodies, read_match_texts
from newsdedup.report.near import latest_canonicals, pairs_below, word_diff
from newsdedup.report.render import render_html

__all__ = ["FORMATS", "ReportLimits", "build_report", "write_report"]

FORMATS = ("html", "json")


@dataclass(frozen=True)
class ReportLimits:
    """How much the report shows: groups, pairs per side of the threshold, topics, themes, runs; how far from the
    threshold a pair may be (``band``) and how many canonicals the below-threshold search sketches."""

    groups: int = 10
    pairs: int = 12
    topics: int = 8
    themes: int = 8
    runs: int = 10
    band: float = 0.1
    max_docs: int = 20_000


def _with_texts(
    pairs: list[dict[str, Any]], data: OutputData, bodies: dict[str, str]
) -> list[dict[str, Any]]:
    by_id = data.articles.set_index("article_id", drop=False)
    out = []
    for p in pairs:
        left_ref, right_ref = (gather.ref_by_id(by_id, i) for i in (p["left_id"], p["right_id"]))
        left, right = word_diff(bodies.get(p["left_id"], ""), bodies.get(p["right_id"], ""))
        out.append({**p, "left": left_ref, "right": right_ref, "left_diff": left, "right_diff": right})
    return out


def _pairs(data: OutputData, limits: ReportLimits) -> dict[str, Any]:
    started = time.perf_counter()
    above = gather.pairs_above(data.duplicates, data.params, limits.pairs, limits.band)
    below, searched = pairs_below(
        data.articles,
        read_match_texts(data, latest_canonicals(data.articles, limits.max_docs)),
        data.params,
        n=limits.pairs,
        band=limits.band,
        max_docs=limits.max_docs,
    )
    ids = sorted({p[k] for p in above + below for k in ("left_id", "right_id")})
    bodies = read_bodies(data, ids)
    return {
        "threshold": data.params.threshold,
        "containment_threshold": data.params.containment_threshold,
        "short_threshold": data.params.short_threshold,
        "band": limits.band,
        "searched": searched,
        "seconds": round(time.perf_counter() - started, 3),
        "above": _with_texts(above, data, bodies),
        "below": _with_texts(below, data, bodies),
    }


def build_report(output: Path, limits: ReportLimits | None = None) -> dict[str, Any]:
    """Every section of the report of ``output``'s current version, as plain data."""
    limits = limits or ReportLimits()
    data = load_output(output)
    topics = gather.topics_section(data.articles, data.topics, limits.topics)
    themes = gather.themes_section(data.themes, limits.themes)
    rank = {h["theme_id"]: f"H{i + 1}" for i, h in enumerate(themes)}
    for t in topics:  # the theme row a topic belongs to, when that theme is shown; else its id
        t["theme"] = rank.get(t["theme_id"], t["theme_id"])
    return {
        "output": str(output),
        "version": data.version,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "newsdedup_version": __version__,
        "summary": gather.counts_section(data.manifests, data.last_run, data.rejects),
        "duplicate_rates": gather.duplicate_rates(data.articles),
        "largest_groups": gather.largest_groups(data.articles, limits.groups),
        "near_threshold": _pairs(data, limits),
        "topics": topics,
        "topic_timeline": gather.topic_timeline(data.articles, [t["topic_id"] for t in topics]),
        "themes": themes,
        "runs": gather.run_history(data.manifests, limits.runs),
    }


def write_report(
    output: Path, out: Path | None = None, fmt: str = "html", limits: ReportLimits | None = None
) -> Path:
    """Write the report of ``output`` to ``out`` (default ``output/report.html`` or ``report.json``)."""
    if fmt not in FORMATS:
        raise InputError(f"report format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    report = build_report(output, limits)
    target = out or output / f"report.{fmt}"
    if fmt == "json":
        target.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(report, target)
    else:
        write_text_atomic(render_html(report), target)
    return target
