"""Planning the corpus: stories, their original articles and syndicated copies, in a fixed random order.

A story has 1-4 originals written independently (same story label, different dup groups); each original
has 0-k copies (overdispersed counts) with realistic edits: a new headline, a trimmed ending, 1-5% of
words changed, an update note, another outlet, published minutes to hours later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from newsdedup.synth.config import SynthArticle, SynthConfig
from newsdedup.synth.multilingual import generate_multilingual
from newsdedup.synth.outlets import OUTLETS, Outlet
from newsdedup.synth.prose import (
    Story,
    bytes_per_token,
    content_words,
    edit_words,
    make_story,
    sample_bodies,
    sample_titles,
)
from newsdedup.synth.vocab import Vocab, vocab
from newsdedup.synth.words import PLACES

__all__ = ["generate"]

_UPDATE_NOTES = (
    "This story has been updated.",
    "This story has been updated with additional reporting.",
    "Editor’s note: An earlier version of this story misstated the date of the meeting.",
    "Editor’s note: This article was updated to include a response from officials.",
)

_TITLE_PREFIXES = ("UPDATE 1-", "UPDATE 2-", "Exclusive: ", "Live: ", "Analysis: ", "WATCH: ")

_BATCH_STORIES = 256
_WINDOW = 2048  # articles shuffled together before they are yielded
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class _Original:
    """An original article planned for a batch, with how many copies of it follow."""

    story: Story
    n_copies: int
    outlets: list[int]  # outlet index per article of the group, original first
    n_tokens: int
    time: dt.datetime


@dataclass
class _Progress:
    """Counters that run across batches: articles emitted, stories and dup groups begun."""

    emitted: int = 0
    sid: int = 0
    gid: int = 0


def generate(config: SynthConfig) -> Iterator[SynthArticle]:
    """Yield `config.n_articles` articles; the same config always yields the same articles in order.

    Stories are planned and their bodies sampled in batches of 256 stories; articles are shuffled
    within windows of 2,048, so copies are not adjacent to their originals but memory stays bounded.
    """
    if config.languages:
        yield from generate_multilingual(config)
        return
    v = vocab()
    rng = np.random.default_rng([config.seed, 1])
    authors = _outlet_staff(rng, v)
    progress = _Progress()
    window: list[SynthArticle] = []
    while progress.emitted < config.n_articles:
        plan = _plan_batch(rng, v, config, progress)
        bodies = sample_bodies(
            rng, v, [p.story for p in plan], [p.n_tokens for p in plan], short=config.short
        )
        titles = sample_titles(rng, v, [p.story for p in plan])
        for orig, paragraphs, title in zip(plan, bodies, titles, strict=True):
            if progress.emitted >= config.n_articles:
                break
            for article in _group(rng, v, config, orig, paragraphs, title, authors, progress):
                window.append(article)
                progress.emitted += 1
                if len(window) >= _WINDOW:
                    yield from _shuffled(rng, window)
                    window.clear()
            progress.gid += 1
    yield from _shuffled(rng, window)


def _shuffled(rng: np.random.Generator, window: list[SynthArticle]) -> list[SynthArticle]:
    return [window[i] for i in rng.permutation(len(window)).tolist()]


def _outlet_staff(rng: np.random.Generator, v: Vocab) -> dict[str, list[str]]:
    """Twelve writers per outlet (by slug), drawn from the vocabulary's people."""
    staff_pool = v.table[v.person_idx].tolist()
    return {
        o.slug: [str(staff_pool[i]) for i in rng.permutation(len(staff_pool))[:12].tolist()] for o in OUTLETS
    }


def _plan_batch(
    rng: np.random.Generator, v: Vocab, config: SynthConfig, progress: _Progress
) -> list[_Original]:
    """Plan a batch of stories: originals, copy counts, outlets, lengths and times."""
    start = config.start_datetime()
    span = dt.timedelta(days=config.days())
    copies_mean = config.dup_rate / (1.0 - config.dup_rate)
    lo, hi = config.originals_per_story
    token_target = config.mean_bytes / bytes_per_token()
    plan: list[_Original] = []
    planned = 0
    while len(plan) < _BATCH_STORIES * 2 and progress.emitted + planned < config.n_articles:
        centre = start + span * float(rng.random())
        story = make_story(rng, v, progress.sid, centre)
        progress.sid += 1
        n_orig = int(rng.integers(lo, hi + 1))
        # Overdispersed copy counts (negative binomial, r=0.5): most originals have none, a few many.
        if copies_mean > 0:
            copies = np.minimum(40, rng.negative_binomial(0.5, 0.5 / (0.5 + copies_mean), n_orig))
        else:
            copies = np.zeros(n_orig, dtype=np.int64)
        sizes = np.clip(rng.lognormal(-0.06, 0.35, n_orig), 0.25, 4.0) * token_target
        offsets = np.clip(rng.normal(0.0, 4.0, n_orig), -24.0, 24.0)
        for k in range(n_orig):
            t0 = min(max(centre + dt.timedelta(hours=float(offsets[k])), start), start + span)
            outlets = rng.permutation(len(OUTLETS)).tolist()
            plan.append(_Original(story, int(copies[k]), outlets, int(sizes[k]), t0))
            planned += 1 + int(copies[k])
    return plan


def _group(
    rng: np.random.Generator,
    v: Vocab,
    config: SynthConfig,
    orig: _Original,
    paragraphs: list[str],
    title: str,
    authors: dict[str, list[str]],
    progress: _Progress,
) -> Iterator[SynthArticle]:
    """One dup group: the original, then its copies; stops when the corpus is full.

    Lazy on purpose: the caller counts each article and may shuffle a full window before the next one
    is drawn, which keeps the draws in one fixed order."""
    author = ""
    for k in range(orig.n_copies + 1):
        if progress.emitted >= config.n_articles:
            return
        outlet = OUTLETS[orig.outlets[k % len(OUTLETS)]]
        staff = authors[outlet.slug]
        if k == 0:
            body_pars, headline, t = paragraphs, title, orig.time
            author = staff[int(rng.integers(len(staff)))]
            if outlet.layout == "tv" and rng.random() < 0.5:
                author = f"{author} and {staff[int(rng.integers(len(staff)))]}"
            by = author
        else:
            body_pars, headline = _copy_edits(rng, v, orig.story, paragraphs, title, config.short)
            t = orig.time + dt.timedelta(minutes=2 + float(rng.exponential(90.0)))
            by = author if rng.random() < 0.5 else staff[int(rng.integers(len(staff)))]
        yield _article(orig.story, outlet, progress.emitted, progress.gid, headline, body_pars, by, t, k > 0)


def _article(
    story: Story,
    outlet: Outlet,
    n: int,
    gid: int,
    headline: str,
    body_pars: list[str],
    by: str,
    t: dt.datetime,
    is_copy: bool,
) -> SynthArticle:
    """The `n`-th article of the corpus, as `outlet` publishes it at `t` (to the minute, in its zone)."""
    city, country = PLACES[story.place]
    local = t.replace(second=0, microsecond=0).astimezone(outlet.tz)
    slug = _NON_SLUG.sub("-", headline.lower()).strip("-")[:48].rstrip("-") or "article"
    return SynthArticle(
        id=f"syn-{n:07d}",
        title=headline,
        body="\n\n".join(body_pars),
        author="" if outlet.layout == "plain" else by,
        source=outlet.name,
        url=f"https://www.{outlet.domain}/{story.section}/{local:%Y/%m/%d}/{slug}-{n}",
        published_at=local,
        dup_group=f"g{gid:07d}",
        story=f"s{story.sid:07d}",
        layout=outlet.layout,
        path=f"{outlet.slug}/{n // 1000:04d}/{slug}-{n:07d}.txt",
        location=city,
        country=country,
        section=story.section,
        is_copy=is_copy,
    )


def _copy_edits(
    rng: np.random.Generator, v: Vocab, story: Story, paragraphs: list[str], title: str, short: bool
) -> tuple[list[str], str]:
    """Return (paragraphs, headline) of a syndicated copy: trimmed ending, word edits, update note."""
    pars = list(paragraphs)
    u = rng.random(6)
    if not short and len(pars) >= 5 and u[0] < 0.45:
        pars = pars[: -(1 if u[0] < 0.35 else 2)]
    # Mostly light edits (1-2%), sometimes up to 5%.
    pars = edit_words(rng, v, pars, 0.01 + 0.04 * float(u[1] ** 3))
    if u[2] < 0.3 and not short:
        pars.append(_UPDATE_NOTES[int(u[3] * len(_UPDATE_NOTES))])
    if u[4] < 0.4:
        headline = sample_titles(rng, v, [story])[0]
    elif u[4] < 0.6:
        headline = _TITLE_PREFIXES[int(u[5] * len(_TITLE_PREFIXES))] + title
    else:
        words = title.split(" ")
        words[1 + int(u[5] * (len(words) - 1))] = content_words(rng, v, 1)[0]
        headline = " ".join(words)
        if headline == title:  # the fresh word was the one it replaced
            headline = _TITLE_PREFIXES[int(u[5] * len(_TITLE_PREFIXES))] + title
    return pars, headline
