"""What corpus to generate (`SynthConfig`) and what one generated article is (`SynthArticle`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newsdedup.errors import ConfigError

__all__ = ["MIN_SPAN_DAYS", "SynthArticle", "SynthConfig"]

#: The shortest period a corpus covers when `span_days` is not given (days).
MIN_SPAN_DAYS = 7.0


@dataclass(frozen=True)
class SynthConfig:
    """What corpus to generate; every field is validated on construction."""

    n_articles: int = 1000
    seed: int = 0
    mean_bytes: int = 3000
    dup_rate: float = 0.5  # fraction of articles that are syndicated copies
    originals_per_story: tuple[int, int] = (1, 4)
    # Days the corpus covers; None: n_articles / articles_per_day, at least MIN_SPAN_DAYS, so a larger corpus
    # covers a longer period at the same daily rate instead of crowding more stories into one week.
    span_days: float | None = None
    articles_per_day: float = 1500.0
    start: str = "2024-11-10T00:00:00Z"
    short: bool = False  # short=True: title + 1-2 paragraphs
    # multilingual mode: stories in these languages (de, es, fr, ja, ru, zh) instead of the English generator
    languages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.n_articles, int) or self.n_articles < 1:
            raise ConfigError(f"n_articles must be >= 1, got {self.n_articles!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"seed must be an integer >= 0, got {self.seed!r}")
        if not isinstance(self.mean_bytes, int) or not 200 <= self.mean_bytes <= 1_000_000:
            raise ConfigError(f"mean_bytes must be in [200, 1000000], got {self.mean_bytes!r}")
        if not 0.0 <= self.dup_rate <= 0.95:
            raise ConfigError(f"dup_rate must be in [0.0, 0.95], got {self.dup_rate!r}")
        lo_hi = self.originals_per_story
        if len(lo_hi) != 2 or not 1 <= lo_hi[0] <= lo_hi[1] <= 50:
            raise ConfigError(f"originals_per_story must be (lo, hi) with 1 <= lo <= hi <= 50, got {lo_hi!r}")
        if self.span_days is not None and not 0.0 < self.span_days <= 36500.0:
            raise ConfigError(f"span_days must be in (0, 36500] or None, got {self.span_days!r}")
        if not 1.0 <= self.articles_per_day <= 1e9:
            raise ConfigError(f"articles_per_day must be in [1, 1e9], got {self.articles_per_day!r}")
        known = ("de", "es", "fr", "ja", "ru", "zh")
        bad = [lang for lang in self.languages if lang not in known]
        if bad or len(set(self.languages)) != len(self.languages):
            raise ConfigError(
                f"languages must be distinct values among {', '.join(known)}, got {self.languages!r}"
            )
        self.start_datetime()  # raises on a bad value

    def days(self) -> float:
        """The days the corpus covers: `span_days`, or n_articles / articles_per_day (MIN_SPAN_DAYS at least)."""
        if self.span_days is not None:
            return self.span_days
        return max(MIN_SPAN_DAYS, self.n_articles / self.articles_per_day)

    def start_datetime(self) -> dt.datetime:
        """Return `start` as an aware UTC datetime (ConfigError when unparseable or naive)."""
        try:
            value = dt.datetime.fromisoformat(self.start.replace("Z", "+00:00"))
        except (ValueError, AttributeError) as exc:
            raise ConfigError(f"start must be an ISO datetime with offset, got {self.start!r}") from exc
        if value.tzinfo is None:
            raise ConfigError(f"start must include a UTC offset, got {self.start!r}")
        return value.astimezone(dt.UTC)


@dataclass(frozen=True)
class SynthArticle:
    """One generated article with its ground truth (`dup_group`, `story`)."""

    id: str
    title: str
    body: str  # paragraphs joined by a blank line; no dateline, no boilerplate
    author: str  # "" when the outlet credits nobody; "A and B" for two writers
    source: str
    url: str
    published_at: dt.datetime  # aware, in the outlet's zone, whole minutes
    dup_group: str
    story: str
    layout: str
    path: str  # relative path of the .txt file when written as txt
    location: str  # dateline city, e.g. "BRUSSELS"
    country: str
    section: str
    is_copy: bool
    language: str = "en"
