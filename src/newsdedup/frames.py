"""One stage of the job at a time, on a data frame of plain columns: :func:`parse` / :func:`parse_frame`,
:func:`find_duplicates`, :func:`cluster`.

Each calls the stage the job runs (``text.parse``, ``dedup.find_duplicates``, ``cluster.cluster_stories``)
with the job's config; the columns a stage needs that a caller does not have (the article id, the matching
text, the body length) are made here the way the job makes them. The input frame has the fields of a JSONL
input: ``title`` and ``body`` (or ``text``), and optionally ``id``, ``published_at``, ``source``,
``author``; its rows are parsed as the job parses JSONL records. What these do not do, because it needs the whole run or
earlier runs: learned boilerplate (lines repeated across many articles of a run) and relating articles to
an output's history. :func:`newsdedup.process` runs the whole job.

>>> import pandas as pd, newsdedup
>>> df = pd.DataFrame({"id": ["a", "b", "c"],
...                    "title": ["Toll doubles", "Bridge toll to double", "Ferry strike"],
...                    "body": [bridge_text, bridge_text + " Updated.", ferry_text]})   # doctest: +SKIP
>>> newsdedup.find_duplicates(df)[["article_id", "dup_group_id", "is_canonical"]]       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.cluster import cluster_stories
from newsdedup.config import ConfigLike, as_config
from newsdedup.dedup import DedupResult
from newsdedup.dedup import find_duplicates as find_duplicate_groups
from newsdedup.io.records_out import json_value
from newsdedup.model import MapFn, ParsedArticle, serial_map
from newsdedup.params import DEFAULT_FIELDS, Config
from newsdedup.text.normalize import matching_text
from newsdedup.text.parse import parse_raw, parse_record

__all__ = ["PARSED_COLUMNS", "cluster", "find_duplicates", "parse", "parse_frame", "prepared"]

PARSED_COLUMNS = [
    "article_id",
    "source",
    "title",
    "author",
    "published_at",
    "published_raw",
    "published_tz_assumed",
    "location",
    "summary",
    "body",
    "body_chars",
    "removed_kinds",
    "match_text",
]
"""The columns of :func:`parse_frame`, named as in the articles table (``match_text``: the normalised text
dedup and clustering compare)."""


def _text(value: Any) -> str | None:
    """A field as the JSONL reader would hand it to the parser: text, or None when missing."""
    value = json_value(value)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _parse_fields(fields: Mapping[str, Any], cfg: Config) -> ParsedArticle:
    """Parse one record's fields as the job parses a JSONL record: ``title``, ``body`` (else ``text``), the
    first publication field present, ``author``."""
    body = _text(fields.get("body"))
    published = next((_text(fields.get(k)) for k in DEFAULT_FIELDS["published_at"] if k in fields), None)
    return parse_record(
        title=_text(fields.get("title")),
        body=body if body is not None else _text(fields.get("text")) or "",
        published=published,
        author=_text(fields.get("author")),
        default_tz=cfg.parse.default_tz,
    )


def parse(
    text: str,
    *,
    title: str | None = None,
    published_at: Any = None,
    author: str | None = None,
    config: ConfigLike = None,
) -> dict[str, Any]:
    """Parse one article: ``text`` alone is read as a raw-layout article (headline, byline, dateline, body),
    as a ``.txt`` input is; with ``title``, ``published_at`` or ``author`` it is the body of a structured
    record, as a JSONL input's. Returns the parsed fields
    (title, author, published_at, published_raw, published_tz_assumed, location, summary, body, source,
    removed, removed_lines) and ``match_text``.

    >>> newsdedup.parse("Bridge toll doubles\\n\\nBy Ann Lee\\n\\nPORT ALDER - Drivers will pay ...")["author"]
    'Ann Lee'
    """
    cfg = as_config(config)
    if title is None and published_at is None and author is None:
        article = parse_raw(text, default_tz=cfg.parse.default_tz)
    else:
        fields = {"body": text, "title": title, "published_at": published_at, "author": author}
        article = _parse_fields(fields, cfg)
    out = dataclasses.asdict(article)
    out["match_text"] = matching_text(article, include_title=cfg.parse.include_title_in_match)
    return out


def _ids(df: pd.DataFrame) -> list[str]:
    """Each row's article id: ``article_id`` or ``id`` when given (as text), else the row's index label."""
    for col in ("article_id", "id"):
        if col in df.columns:
            return [
                str(json_value(v)) if json_value(v) is not None else str(i)
                for i, v in zip(df.index, df[col], strict=True)
            ]
    return [str(i) for i in df.index]


def parse_frame(df: pd.DataFrame, config: ConfigLike = None) -> pd.DataFrame:
    """Parse every row of ``df`` (see the module: ``title``, ``body`` or ``text``, optional ``id``,
    ``published_at``, ``source``, ``author``) as the job's read step parses JSONL records; returns :data:`PARSED_COLUMNS`
    with ``df``'s index. ``source`` is the given one, else the outlet a headline names ("Title | Outlet")."""
    cfg = as_config(config)
    columns = [str(c) for c in df.columns]
    parsed = [_parse_fields(dict(zip(columns, row, strict=True)), cfg) for row in df.itertuples(index=False)]
    given = [_text(v) for v in df["source"]] if "source" in df.columns else [None] * len(df)
    include_title = cfg.parse.include_title_in_match
    out = pd.DataFrame(
        {
            "article_id": _ids(df),
            "source": [g or a.source for g, a in zip(given, parsed, strict=True)],
            "title": [a.title for a in parsed],
            "author": [a.author for a in parsed],
            "published_at": pd.to_datetime(
                pd.Series([a.published_at for a in parsed], index=df.index, dtype=object), utc=True
            ).astype("datetime64[us, UTC]"),
            "published_raw": [a.published_raw for a in parsed],
            "published_tz_assumed": [a.published_tz_assumed for a in parsed],
            "location": [a.location for a in parsed],
            "summary": [list(a.summary) for a in parsed],
            "body": [a.body for a in parsed],
            "body_chars": [len(a.body) for a in parsed],
            "removed_kinds": [sorted(f"{k}={v}" for k, v in a.removed.items()) for a in parsed],
            "match_text": [matching_text(a, include_title=include_title) for a in parsed],
        },
        index=df.index,
    )
    return out[PARSED_COLUMNS]


def prepared(df: pd.DataFrame, config: ConfigLike = None) -> pd.DataFrame:
    """``df`` parsed (:func:`parse_frame`) unless it already has ``article_id`` and ``match_text``."""
    if {"article_id", "match_text"} <= set(df.columns):
        return df
    return parse_frame(df, config)


def _utc(docs: pd.DataFrame, column: str) -> Any:
    """Column ``column`` of ``docs`` as UTC times (all missing when there is no such column)."""
    if column not in docs.columns:
        return pd.NaT
    return pd.to_datetime(docs[column], utc=True).array


def dedup_result(
    df: pd.DataFrame, config: ConfigLike = None, *, map_fn: MapFn = serial_map
) -> tuple[pd.DataFrame, DedupResult]:
    """(``df`` prepared, the job's duplicate search over its rows)."""
    cfg = as_config(config)
    docs = prepared(df, cfg)
    body_len = docs["body_chars"] if "body_chars" in docs.columns else docs["match_text"].str.len()
    search = pd.DataFrame(
        {
            "article_id": docs["article_id"].astype(str).to_numpy(),
            "match_text": docs["match_text"].to_numpy(),
            "published_at": _utc(docs, "published_at"),
            "body_len": np.asarray(body_len, dtype=np.int64),
            "source": docs["source"].to_numpy() if "source" in docs.columns else None,
        }
    )
    return docs, find_duplicate_groups(search, cfg.dedup, map_fn=map_fn)


def find_duplicates(df: pd.DataFrame, config: ConfigLike = None) -> pd.DataFrame:
    """Group the exact and near-duplicate rows of ``df`` under a canonical article, as the job's dedup step
    does; returns one row per input row (``df``'s index): article_id, dup_group_id, canonical_id,
    is_canonical, dup_similarity, dup_method, canonical_reason (the articles table's columns)."""
    docs, result = dedup_result(df, config)
    out = result.assignments.rename(columns={"method": "dup_method"})
    out.index = docs.index
    return out


def cluster_frame(
    df: pd.DataFrame, config: ConfigLike = None, *, map_fn: MapFn = serial_map
) -> tuple[pd.Series, pd.DataFrame]:
    """(topic id per row of ``df``, the topics table), the job's clustering over every row of ``df``."""
    cfg = as_config(config)
    docs = prepared(df, cfg)
    frame = pd.DataFrame(
        {
            "article_id": docs["article_id"].astype(str).to_numpy(),
            "title": docs["title"].to_numpy() if "title" in docs.columns else None,
            "published_at": _utc(docs, "published_at"),
            "source": docs["source"].to_numpy() if "source" in docs.columns else None,
            "group_size": docs["group_size"].to_numpy() if "group_size" in docs.columns else 1,
            "match_text": docs["match_text"].to_numpy(),
        },
        index=docs.index,
    )
    if "body" in docs.columns:  # the raw text: capitalised names are entity terms (cluster.entities)
        frame["body"] = docs["body"].to_numpy()
    if frame["article_id"].duplicated().any():
        raise ValueError("article ids must be unique")
    return cluster_stories(frame, cfg.cluster, map_fn=map_fn)


def cluster(df: pd.DataFrame, config: ConfigLike = None) -> pd.DataFrame:
    """Cluster the rows of ``df`` into stories, as the job's cluster step clusters canonical articles
    (pass one row per duplicate group: :func:`find_duplicates` picks them). Returns one row per input row
    (``df``'s index): article_id, topic_id, and the topic's label, keywords and size (``group_size``, when
    given, counts a row's duplicates)."""
    docs = prepared(df, config)
    topic_id, topics = cluster_frame(docs, config)
    info = topics.set_index("topic_id")[["label", "keywords", "size"]].add_prefix("topic_")
    out = pd.DataFrame({"article_id": docs["article_id"].astype(str), "topic_id": topic_id}, index=docs.index)
    return out.join(info, on="topic_id")
