"""The report's tables, computed from the output's DataFrames and run manifests: pure functions, no I/O.

Each returns plain rows (lists of dicts of str/int/float/None) so the same content goes to the HTML page and
to the JSON twin. Article text in the rows is raw: escaping is the renderer's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from newsdedup.params import DedupParams

__all__ = [
    "NO_DATE",
    "NO_SOURCE",
    "Row",
    "article_ref",
    "counts_section",
    "duplicate_rates",
    "largest_groups",
    "pairs_above",
    "ref_by_id",
    "run_history",
    "themes_section",
    "topic_timeline",
    "topics_section",
]

Row = dict[str, Any]
NO_SOURCE = "(no source)"
NO_DATE = "(no date)"


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: None for missing values, ISO strings for timestamps, Python numbers."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


_REF_KEYS = ("article_id", "title", "source", "url", "published_at")


def article_ref(row: Mapping[str, Any] | pd.Series) -> Row:
    """The fields the report shows of one article."""
    return {k: _plain(row.get(k)) for k in _REF_KEYS}


def ref_by_id(by_id: pd.DataFrame, article_id: Any) -> Row:
    """:func:`article_ref` of the article ``article_id`` of ``by_id`` (articles indexed by article_id), or
    a reference holding only the id when the table does not have it."""
    if article_id in by_id.index:
        return article_ref(by_id.loc[article_id])
    return {k: _plain(article_id) if k == "article_id" else None for k in _REF_KEYS}


def counts_section(manifests: list[Row], last_run: Row | None, rejects: pd.DataFrame) -> Row:
    """The latest run's counts and reject reasons, the rejects table by reason, the latest outcome."""
    latest = manifests[-1] if manifests else {}
    by_reason = rejects["reason"].fillna("").value_counts() if len(rejects) else pd.Series(dtype=int)
    return {
        "run_id": latest.get("run_id"),
        "finished_at": latest.get("finished_at"),
        "mode": latest.get("mode"),
        "counts": dict(latest.get("counts", {})),
        "reject_reasons": dict(latest.get("reject_reasons", {})),
        "rejects_by_reason": [
            {"reason": str(r), "count": int(c)}
            for r, c in sorted(by_reason.items(), key=lambda x: (-x[1], x[0]))
        ],
        "last_outcome": dict(last_run) if last_run else None,
    }


def _rates(keys: pd.Series, duplicate: pd.Series, name: str) -> list[Row]:
    frame = pd.DataFrame({name: keys.to_numpy(), "dup": duplicate.to_numpy(dtype=bool)})
    grouped = frame.groupby(name, sort=True)["dup"].agg(["size", "sum"])
    return [
        {name: str(k), "articles": int(n), "duplicates": int(d), "rate": round(float(d) / n, 4)}
        for k, n, d in zip(grouped.index, grouped["size"], grouped["sum"], strict=True)
    ]


def duplicate_rates(articles: pd.DataFrame) -> Row:
    """Share of articles that are duplicates (not canonical), per source (most articles first) and per day
    of publication (UTC, in date order)."""
    duplicate = ~articles["is_canonical"].fillna(True).astype(bool)
    sources = articles["source"].astype(object).where(articles["source"].notna() & (articles["source"] != ""))
    per_source = _rates(sources.fillna(NO_SOURCE), duplicate, "source")
    per_source.sort(key=lambda r: (-r["articles"], r["source"]))
    days = pd.to_datetime(articles["published_at"], utc=True).dt.strftime("%Y-%m-%d")
    per_day = _rates(days.fillna(NO_DATE), duplicate, "day")
    total = len(articles)
    return {
        "articles": total,
        "duplicates": int(duplicate.sum()),
        "rate": round(float(duplicate.sum()) / total, 4) if total else 0.0,
        "per_source": per_source,
        "per_day": per_day,
    }


def largest_groups(articles: pd.DataFrame, n: int = 10, members: int = 8) -> list[Row]:
    """The ``n`` largest duplicate groups: the canonical, why it was chosen, and up to ``members`` copies
    (least similar first: those are the ones to check) with how each matched."""
    sizes = articles.groupby("dup_group_id").size()
    sizes = sizes[sizes > 1]
    order = sorted(sizes.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))[:n]
    out = []
    for group_id, size in order:
        rows = articles[articles["dup_group_id"] == group_id]
        canon = rows[rows["is_canonical"].fillna(False).astype(bool)]
        head = canon.iloc[0] if len(canon) else rows.iloc[0]
        copies = rows[rows["article_id"] != head["article_id"]].sort_values(
            ["dup_similarity", "article_id"], na_position="first"
        )
        out.append(
            {
                "dup_group_id": str(group_id),
                "size": int(size),
                "canonical": article_ref(head),
                "canonical_reason": _plain(head.get("canonical_reason")),
                "members": [
                    {
                        **article_ref(r),
                        "dup_method": _plain(r.get("dup_method")),
                        "dup_similarity": _plain(r.get("dup_similarity")),
                    }
                    for _, r in copies.head(members).iterrows()
                ],
            }
        )
    return out


def pairs_above(duplicates: pd.DataFrame, params: DedupParams, n: int = 12, band: float = 0.1) -> list[Row]:
    """Duplicate pairs (copy, canonical) whose similarity is at most ``band`` above the threshold of the
    rule that kept them (``threshold`` for "near", ``containment_threshold`` for "containment"), closest to
    it first (pairs of short texts, kept at ``short_threshold``, are far above ``threshold`` and not listed)."""
    if not len(duplicates):
        return []
    method = duplicates["method"].astype(str)
    sim = duplicates["similarity"].astype(float)
    limit = pd.Series(params.threshold, index=duplicates.index)
    limit[method == "containment"] = params.containment_threshold
    margin = sim - limit
    frame = duplicates.assign(_margin=margin, _limit=limit)
    frame = frame[method.isin(["near", "containment"]) & (margin >= 0) & (margin < band)]
    frame = frame.sort_values(["_margin", "article_id"]).head(n)
    return [
        {
            "left_id": str(r["canonical_id"]),
            "right_id": str(r["article_id"]),
            "similarity": round(float(r["similarity"]), 4),
            "threshold": float(r["_limit"]),
            "method": str(r["method"]),
        }
        for _, r in frame.iterrows()
    ]


def _sources(articles: pd.DataFrame, topic_id: str, top: int = 5) -> list[Row]:
    counts = articles.loc[articles["topic_id"] == topic_id, "source"].fillna(NO_SOURCE).value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))[:top]
    return [{"source": str(s), "articles": int(c)} for s, c in ranked]


def topics_section(articles: pd.DataFrame, topics: pd.DataFrame, n: int = 10) -> list[Row]:
    """The ``n`` largest topics: label, keywords, size, sources, first/last publication, representative."""
    by_id = articles.set_index("article_id", drop=False)
    ranked = topics.sort_values(["size", "topic_id"], ascending=[False, True]).head(n)
    out = []
    for _, t in ranked.iterrows():
        rep = ref_by_id(by_id, t["representative_id"])
        out.append(
            {
                "topic_id": str(t["topic_id"]),
                "label": _plain(t["label"]),
                "keywords": [str(k) for k in _list(t["keywords"])],
                "size": int(t["size"]),
                "n_sources": _plain(t["n_sources"]),
                "sources": _sources(articles, t["topic_id"]),
                "first_published": _plain(t["first_published"]),
                "last_published": _plain(t["last_published"]),
                "representative": rep,
                "theme_id": _plain(t.get("theme_id")),
            }
        )
    return out


def themes_section(themes: pd.DataFrame, n: int = 10) -> list[Row]:
    """The ``n`` largest themes (by articles): label, keywords, topics, articles, first/last publication."""
    ranked = themes.sort_values(["n_articles", "theme_id"], ascending=[False, True]).head(n)
    return [
        {
            "theme_id": str(t["theme_id"]),
            "label": _plain(t["label"]),
            "keywords": [str(k) for k in _list(t["keywords"])],
            "n_topics": int(t["n_topics"]),
            "n_articles": int(t["n_articles"]),
            "first_published": _plain(t["first_published"]),
            "last_published": _plain(t["last_published"]),
        }
        for _, t in ranked.iterrows()
    ]


def _list(value: Any) -> Iterable[Any]:
    return [] if value is None or isinstance(value, float) else list(value)


def topic_timeline(articles: pd.DataFrame, topic_ids: list[str]) -> Row:
    """Articles per day (UTC publication date) of each topic in ``topic_ids``: ``days`` and one count list
    per topic, aligned with ``days``."""
    rows = articles[articles["topic_id"].isin(topic_ids) & articles["published_at"].notna()]
    days = pd.to_datetime(rows["published_at"], utc=True).dt.strftime("%Y-%m-%d")
    table = pd.crosstab(days, rows["topic_id"]) if len(rows) else pd.DataFrame()
    all_days = sorted(table.index.astype(str)) if len(table) else []
    series = {t: [int(table[t].get(d, 0)) if t in table.columns else 0 for d in all_days] for t in topic_ids}
    return {"days": all_days, "series": series}


def run_history(manifests: list[Row], n: int = 10) -> list[Row]:
    """The last ``n`` runs recorded in the current version: seconds and peak memory per step."""
    out = []
    for m in manifests[-n:]:
        steps = {
            str(name): {"seconds": _plain(s.get("seconds")), "peak_rss_mb": _plain(s.get("peak_rss_mb"))}
            for name, s in (m.get("steps") or {}).items()
            if isinstance(s, Mapping)
        }
        out.append(
            {
                "run_id": m.get("run_id"),
                "finished_at": m.get("finished_at"),
                "mode": m.get("mode"),
                "exit_code": m.get("exit_code"),
                "articles": (m.get("counts") or {}).get("articles"),
                "seconds": round(sum(float(s["seconds"] or 0) for s in steps.values()), 3),
                "peak_rss_mb": max((float(s["peak_rss_mb"] or 0) for s in steps.values()), default=None),
                "steps": steps,
            }
        )
    return out
