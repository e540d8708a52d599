"""Every stage's parameters, declared once and validated on construction.

Each dataclass is one table of the TOML config (``[input]``, ``[parse]``, ``[dedup]``, ``[cluster]``,
``[state]``, ``[run]``); :mod:`newsdedup.config` builds them from a file. A bad value raises
:class:`~newsdedup.errors.ConfigError` (a ``ValueError``) whose message names the key, the value and the
allowed range. The stages take these objects, never the whole config.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdedup.errors import ConfigError

__all__ = [
    "CANONICAL_RULES",
    "DEFAULT_FIELDS",
    "DENSE_SHINGLE_KINDS",
    "FIELD_NAMES",
    "FIELD_PRESETS",
    "HTML_EXTRACTORS",
    "ID_FROM",
    "ON_SEEN_ID",
    "SCHEMES",
    "SHINGLE_KINDS",
    "SOURCE_FROM",
    "UNSUPPORTED",
    "ClusterParams",
    "Config",
    "DedupParams",
    "InputConfig",
    "ParseConfig",
    "RunConfig",
    "StateConfig",
]

SCHEMES = ("affine32", "affine64", "legacy")


SHINGLE_KINDS = ("word", "char")
DENSE_SHINGLE_KINDS = ("char", "word", "same")
ON_SEEN_ID = ("update", "skip", "reject")
ID_FROM = ("url", "content", "path")
HTML_EXTRACTORS = ("fast", "trafilatura")  # parse.html_extractor (see newsdedup.text.html)
SOURCE_FROM = ("field", "headline", "folder", "url")
UNSUPPORTED = ("skip", "reject")

#: Our fields a structured record's own names can be mapped to (``[input.fields]``).
FIELD_NAMES = ("id", "url", "title", "body", "summary", "author", "published_at", "source", "location")

#: The mapping when neither a preset nor ``[input.fields]`` says otherwise: each field's candidate names, the
#: first present and not blank wins (a dotted name walks into nested objects).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "url": ("url",),
    "title": ("title",),
    "body": ("body", "text"),
    "author": ("author",),
    "published_at": ("published_at", "date", "published", "timestamp"),
    "source": ("source", "publisher"),
}

#: Built-in mappings for common exports (``input.preset``); a field in ``[input.fields]`` overrides the
#: preset's, and a field a preset leaves out keeps the default candidates.
FIELD_PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    # NewsAPI /v2/everything and /v2/top-headlines articles (content is truncated by NewsAPI)
    "newsapi": {
        "source": ("source.name", "source.id"),
        "author": ("author",),
        "title": ("title",),
        "body": ("content", "description"),
        "summary": ("description",),
        "url": ("url",),
        "published_at": ("publishedAt",),
    },
    # news-please's JSON output
    "news-please": {
        "title": ("title",),
        "body": ("maintext", "description"),
        "summary": ("description",),
        "published_at": ("date_publish", "date_modify", "date_download"),
        "source": ("source_domain",),
        "url": ("url",),
        "author": ("authors",),
    },
    # GDELT GKG 2.x / Events exports as CSV with a header row (names matched without case); the GKG's
    # V2ExtrasXML holds the page title as <PAGE_TITLE>; an Events row has no title or text (missing_text)
    "gdelt": {
        "id": ("GKGRECORDID", "GLOBALEVENTID"),
        "url": ("DocumentIdentifier", "SOURCEURL"),
        "title": ("V2ExtrasXML.PAGE_TITLE", "Extras.PAGE_TITLE"),
        "published_at": ("DATE", "SQLDATE", "DATEADDED"),
        "source": ("SourceCommonName",),
    },
    # Common Crawl CC-NEWS as extracted by news-please, or the plain {url, warc_date, title, text} shape
    "ccnews": {
        "title": ("title",),
        "body": ("maintext", "text", "description"),
        "summary": ("description",),
        "published_at": ("date_publish", "warc_date", "date_modify", "date_download"),
        "source": ("source_domain",),
        "url": ("url", "target_uri"),
        "author": ("authors", "author"),
    },
}


CANONICAL_RULES = ("earliest", "longest", "preferred_source", "id")


@dataclass(frozen=True)
class DedupParams:
    """Parameters of duplicate detection; validated on construction (ConfigError names the bad value).

    shingle, shingle_size: "word" k-grams of whitespace tokens (default 5) or "char" k-grams.
    dense_shingle, dense_shingle_size: how texts mostly in scripts written without spaces (Chinese,
        Japanese, Thai, ...: see :func:`newsdedup.dedup.sketches.dense_rows`) are shingled: "char" k-grams
        (default 3), "word" k-grams, or "same" (as ``shingle``/``shingle_size``; word counts too).
    num_perm, seed, scheme: MinHash parameters, as in ``datasketch.MinHash``.
    threshold: Jaccard on shingle sets at or above which two texts are near-duplicates ("near").
    containment_threshold: |A∩B|/min(|A|,|B|) at or above which the smaller text is inside the larger one
        ("containment"), provided the smaller one has at least ``min_containment_tokens`` words.
    min_length_ratio: the shortest contained copy (as a fraction of the longer text's shingles) the LSH
        step is tuned to surface; sets the derived LSH threshold (see the module docstring).
    lsh_threshold: explicit LSH threshold, overriding the derived one.
    min_tokens, short_threshold: texts with fewer words only match with Jaccard >= short_threshold.
    chain_floor: least similarity to the canonical of a member admitted through another member.
    max_bucket_size: LSH buckets larger than this emit a star + chain of pairs instead of all pairs.
    canonical_rule: order of criteria for the canonical ("earliest", "longest", "preferred_source", "id");
        "id" is always appended as the final tie-break.
    preferred_sources: for "preferred_source", earlier in the tuple is better; others rank after.
    n_jobs: deprecated, not used for threads: still accepted so configs that set it load; the run's worker
        processes and threads are ``[run] n_jobs`` (:class:`RunConfig`), lent to the stages by the run layer.

    Defaults, from measurements (word 5-grams, tests/test_dedup.py and benchmarks/bench_dedup.py):
    same-event articles by different outlets (BASIL, 300 within-event pairs) reach Jaccard 0.20 and
    containment 0.35 at k=5 (0.24 / 0.41 at k=3, 0.30 / 0.52 at k=2), so k=5 keeps the widest margin;
    syndicated copies in the synthetic corpus (1-5% words edited, trimmed endings) have Jaccard >= 0.46
    for 99% of pairs and containment >= 0.73 for 99%, hence threshold 0.5 and containment 0.8 (pairwise
    F1 0.9996 at 20k articles). chain_floor 0.4 sits above the 0.35 BASIL containment maximum.
    dense_shingle "char", dense_shingle_size 3 (benchmarks/bench_cjk_shingles.py): Chinese and Japanese
    near-copies (5-10% of characters edited) have character 3-gram Jaccard >= 0.68, distinct real Japanese
    news <= 0.08, while word 5-grams give 0 for near-copies (a whole clause is one "word").
    min_tokens 20: on AG News descriptions (7,600 short texts, median 31 words) 58 pairs group (7 exact,
    51 near: same wire item from two feeds); the rule only guards against few-word collisions.
    """

    shingle: str = "word"
    shingle_size: int = 5
    dense_shingle: str = "char"
    dense_shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    threshold: float = 0.5
    containment_threshold: float = 0.8
    min_length_ratio: float = 0.25
    lsh_threshold: float | None = None
    min_tokens: int = 20
    short_threshold: float = 0.9
    min_containment_tokens: int = 50
    chain_floor: float = 0.4
    max_bucket_size: int = 200
    canonical_rule: tuple[str, ...] = CANONICAL_RULES
    preferred_sources: tuple[str, ...] = ()
    n_jobs: int = 2

    def __post_init__(self) -> None:
        if self.shingle not in SHINGLE_KINDS:
            raise ConfigError(f"shingle must be one of {', '.join(SHINGLE_KINDS)}, got {self.shingle!r}")
        if self.dense_shingle not in DENSE_SHINGLE_KINDS:
            raise ConfigError(
                f"dense_shingle must be one of {', '.join(DENSE_SHINGLE_KINDS)}, got {self.dense_shingle!r}"
            )
        if self.scheme not in SCHEMES:
            raise ConfigError(f"scheme must be one of {', '.join(SCHEMES)}, got {self.scheme!r}")
        for name, lo in (
            ("shingle_size", 1),
            ("dense_shingle_size", 1),
            ("num_perm", 2),
            ("max_bucket_size", 2),
            ("n_jobs", 1),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < lo:
                raise ConfigError(f"{name} must be an integer >= {lo}, got {value!r}")
        for name in ("min_tokens", "min_containment_tokens", "seed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{name} must be an integer >= 0, got {value!r}")
        for name in ("threshold", "containment_threshold", "short_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"{name} must be in (0.0, 1.0], got {value!r}")
        for name in ("min_length_ratio", "chain_floor"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be in [0.0, 1.0], got {value!r}")
        if self.lsh_threshold is not None and not 0.0 < self.lsh_threshold < 1.0:
            raise ConfigError(f"lsh_threshold must be in (0.0, 1.0) or None, got {self.lsh_threshold!r}")
        bad = [r for r in self.canonical_rule if r not in CANONICAL_RULES]
        if bad or len(set(self.canonical_rule)) != len(self.canonical_rule):
            raise ConfigError(
                f"canonical_rule must list distinct values among {', '.join(CANONICAL_RULES)}, "
                f"got {self.canonical_rule!r}"
            )

    @property
    def effective_lsh_threshold(self) -> float:
        """LSH threshold: explicit, else min(threshold, Jaccard of a ``min_length_ratio`` contained copy)."""
        if self.lsh_threshold is not None:
            return self.lsh_threshold
        c, f = self.containment_threshold, self.min_length_ratio
        contained = c * f / (1.0 + f - c * f)
        return min(self.threshold, max(contained, 0.05))


def _check_range(name: str, value: Any, low: float, high: float, *, low_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bracket = "(" if low_open else "["
        raise ConfigError(f"{name} must be in {bracket}{low}, {high}], got {value!r}")


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        upper = "inf" if high is None else str(high)
        raise ConfigError(f"{name} must be in [{low}, {upper}], got {value!r}")


@dataclass(frozen=True)
class ClusterParams:
    """Settings of story clustering (the ``[cluster]`` config table); checked on construction.

    threshold: minimum average cosine (time-decayed) between two clusters for them to merge; higher gives
        finer, purer stories. time_scale_days: e-folding time of the decay, None to ignore time.
    short_terms: how much less similarity short texts (headlines) need (``cluster.short``): the similarities
        of a text of n < 60 kept terms are scaled by ``sqrt((1 + short_terms / n) / (1 + short_terms / 60))``;
        0 gives every text one cut.
    theme_threshold: minimum average centred cosine between two groups of story centroids for them to share
        a theme (the coarse level above stories); lower gives broader themes.
    entity_weight: extra weight of a document's entity-like terms (names, places, numbers, years; see
        ``cluster.entities``): their weight is multiplied by ``1 + entity_weight``; 0 turns it off.
    """

    threshold: float = 0.16
    time_scale_days: float | None = 7.0
    title_weight: float = 1.0
    lead_words: int = 60
    n_neighbors: int = 20
    max_features: int | None = None
    random_state: int = 0
    keywords_top_n: int = 8
    short_terms: float = 24.0
    theme_threshold: float = 0.03
    entity_weight: float = 2.5

    def __post_init__(self) -> None:
        _check_range("threshold", self.threshold, 0.0, 1.0, low_open=True)
        _check_range("short_terms", self.short_terms, 0.0, 1000.0)
        _check_range("theme_threshold", self.theme_threshold, 0.0, 1.0, low_open=True)
        _check_range("entity_weight", self.entity_weight, 0.0, 5.0)
        if self.time_scale_days is not None:
            _check_range("time_scale_days", self.time_scale_days, 0.0, 1e6, low_open=True)
        _check_range("title_weight", self.title_weight, 0.0, 10.0)
        _check_int("lead_words", self.lead_words, 0)
        _check_int("n_neighbors", self.n_neighbors, 1, 1000)
        if self.max_features is not None:
            _check_int("max_features", self.max_features, 1)
        _check_int("random_state", self.random_state, 0)
        _check_int("keywords_top_n", self.keywords_top_n, 1, 100)


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise ConfigError(message)


@dataclass(frozen=True)
class InputConfig:
    """How inputs are read, how records are named and met again, and when a run counts as failed.

    on_seen_id: what a record whose id an earlier run already holds does. "update" (default): the same
        content is skipped and counted as ``already_seen``; changed content replaces the earlier version
        (``version`` + 1) and is deduplicated and clustered again. "skip": always skipped as
        ``already_seen``. "reject": a ``duplicate_id`` reject, counted towards ``max_reject_fraction``.
    id_from: how a structured record without an ``id`` is named, the first that applies: "url" (its
        normalised URL), "content" (a hash of its title and body: the same text delivered twice is one
        article, a corrected text is another), "path" (``<file>:<line>``, which collides when a file of
        the same name is delivered again).
    storage_options: passed to fsspec for remote inputs (``s3://``, ``gs://``, ...), e.g. ``endpoint_url``,
        ``anon``, ``profile``; credentials are better left to the store's own environment variables
        (``AWS_ACCESS_KEY_ID``, ...). Secret values are never written to a manifest.
    preset: a built-in field mapping by name (:data:`FIELD_PRESETS`), or None.
    fields: ``[input.fields]``, our field -> the record's name, or a list of names tried in order (a dotted
        name walks into nested objects); a TOML table, kept as (field, names) pairs in the order given.
    source_from: where ``source`` comes from, first that says something: "field" (the record's mapped
        source), "headline" (an outlet suffix of the title), "folder" (the first folder under the input
        root), "url" (the registered domain of the URL's host).
    unsupported: files of a format we do not read: "skip" (counted and warned about) or "reject" (also a
        ``unsupported_extension`` reject each, counted towards ``max_reject_fraction``).
    """

    max_article_bytes: int = 5_000_000
    max_reject_fraction: float = 0.5
    on_seen_id: str = "update"
    id_from: tuple[str, ...] = ("url", "content")
    storage_options: dict[str, Any] = field(default_factory=dict)
    preset: str | None = None
    fields: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
    source_from: tuple[str, ...] = SOURCE_FROM
    unsupported: str = "skip"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", _field_pairs(self.fields))
        _require(
            self.preset is None or self.preset in FIELD_PRESETS,
            f"preset must be one of {', '.join(FIELD_PRESETS)} (or unset), got {self.preset!r}",
        )
        _require(
            len(set(self.source_from)) == len(self.source_from)
            and all(k in SOURCE_FROM for k in self.source_from),
            f"source_from must list distinct values among {', '.join(SOURCE_FROM)}, "
            f"got {list(self.source_from)!r}",
        )
        _require(
            self.unsupported in UNSUPPORTED,
            f"unsupported must be one of {', '.join(UNSUPPORTED)}, got {self.unsupported!r}",
        )
        _require(
            self.on_seen_id in ON_SEEN_ID,
            f"on_seen_id must be one of {', '.join(ON_SEEN_ID)}, got {self.on_seen_id!r}",
        )
        _require(
            bool(self.id_from) and all(k in ID_FROM for k in self.id_from),
            f"id_from must list values among {', '.join(ID_FROM)}, got {list(self.id_from)!r}",
        )
        _require(
            1_000 <= self.max_article_bytes <= 1_000_000_000,
            f"max_article_bytes must be in [1000, 1e9], got {self.max_article_bytes}",
        )
        _require(
            0.0 <= self.max_reject_fraction <= 1.0,
            f"max_reject_fraction must be in [0.0, 1.0], got {self.max_reject_fraction}",
        )
        _require(
            isinstance(self.storage_options, dict) and all(isinstance(k, str) for k in self.storage_options),
            f"storage_options must be a table of named options, got {self.storage_options!r}",
        )

    def field_candidates(self) -> dict[str, tuple[str, ...]]:
        """Each field's candidate names in effect: the defaults, then the preset's, then ``fields``."""
        out = dict(DEFAULT_FIELDS)
        if self.preset is not None:
            out.update(FIELD_PRESETS[self.preset])
        out.update((name, tuple(names)) for name, names in self.fields)
        return out


def _field_pairs(fields: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[input.fields]`` (a mapping, or (field, names) pairs) -> checked (field, candidate names) pairs."""
    items = list(fields.items()) if isinstance(fields, dict) else list(fields)
    out: list[tuple[str, tuple[str, ...]]] = []
    for item in items:
        _require(isinstance(item, tuple | list) and len(item) == 2, f"fields: bad entry {item!r}")
        name, names = item
        _require(name in FIELD_NAMES, f"fields: unknown field {name!r}; allowed: {', '.join(FIELD_NAMES)}")
        names = (names,) if isinstance(names, str) else tuple(names)
        _require(
            bool(names) and all(isinstance(n, str) and n.strip() and "" not in n.split(".") for n in names),
            f"fields.{name} must be a name or a non-empty list of names (dotted paths allowed), got {names!r}",
        )
        out.append((name, names))
    return tuple(out)


@dataclass(frozen=True)
class ParseConfig:
    """Parsing and matching-text options."""

    default_tz: str = "UTC"
    dayfirst: bool = True
    include_title_in_match: bool = False
    learned_boilerplate: bool = True
    learned_min_docs: int = 5
    learned_min_fraction: float = 0.3
    html_extractor: str = "fast"

    def __post_init__(self) -> None:
        _require(
            self.html_extractor in HTML_EXTRACTORS,
            f"html_extractor must be one of {', '.join(HTML_EXTRACTORS)}, got {self.html_extractor!r}",
        )
        try:
            ZoneInfo(self.default_tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"default_tz must be an IANA zone name, got {self.default_tz!r}") from exc
        _require(isinstance(self.dayfirst, bool), f"dayfirst must be true or false, got {self.dayfirst!r}")
        _require(self.learned_min_docs >= 2, f"learned_min_docs must be >= 2, got {self.learned_min_docs}")
        _require(
            0.0 < self.learned_min_fraction <= 1.0,
            f"learned_min_fraction must be in (0.0, 1.0], got {self.learned_min_fraction}",
        )


@dataclass(frozen=True)
class StateConfig:
    """What is kept between scheduled runs, and for how long (days, by published_at)."""

    incremental: bool = True
    dedup_window_days: float = 7.0
    topic_window_days: float = 7.0
    retention_days: float = 30.0
    keep_versions: int = 3

    def __post_init__(self) -> None:
        for name in ("dedup_window_days", "topic_window_days", "retention_days"):
            value = getattr(self, name)
            _require(0.0 < value <= 36_500.0, f"{name} must be in (0, 36500], got {value}")
        _require(
            isinstance(self.keep_versions, int) and 1 <= self.keep_versions <= 1000,
            f"keep_versions must be an integer in [1, 1000], got {self.keep_versions!r}",
        )
        _require(
            self.retention_days >= max(self.dedup_window_days, self.topic_window_days),
            f"retention_days ({self.retention_days}) must be >= dedup_window_days and topic_window_days",
        )


@dataclass(frozen=True)
class RunConfig:
    """Where and how the stages run.

    n_jobs: the run's one parallelism setting: worker processes for reading and parsing (Dask workers for a
        LocalCluster) and threads for the steps after it (featurising, writing; the stages' ``map_fn``).
    chunk_bytes: input bytes per read task. scheduler: a Dask scheduler address (None: a LocalCluster).
    memory_budget: megabytes the run's processes may use together; the worker count and the size of the
        duplicate search's candidate blocks are derived from it (:mod:`newsdedup.run.budget`).
    """

    engine: str = "local"
    n_jobs: int = 2
    chunk_bytes: int = 4 * 1024 * 1024
    scheduler: str | None = None
    memory_budget: int = 2048

    def __post_init__(self) -> None:
        _require(self.engine in ("local", "dask"), f"engine must be 'local' or 'dask', got {self.engine!r}")
        _require(1 <= self.n_jobs <= 256, f"n_jobs must be in [1, 256], got {self.n_jobs}")
        _require(
            4096 <= self.chunk_bytes <= 1 << 30,
            f"chunk_bytes must be in [4096, 1073741824], got {self.chunk_bytes}",
        )
        _require(
            isinstance(self.memory_budget, int)
            and not isinstance(self.memory_budget, bool)
            and 256 <= self.memory_budget <= 1 << 24,
            f"memory_budget must be an integer number of megabytes in [256, 16777216], got {self.memory_budget!r}",
        )


@dataclass(frozen=True)
class Config:
    """The whole job configuration."""

    input: InputConfig = field(default_factory=InputConfig)
    parse: ParseConfig = field(default_factory=ParseConfig)
    dedup: DedupParams = field(default_factory=DedupParams)
    cluster: ClusterParams = field(default_factory=ClusterParams)
    state: StateConfig = field(default_factory=StateConfig)
    run: RunConfig = field(default_factory=RunConfig)
