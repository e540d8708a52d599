"""Sampling the text of stories: a story's topical words, then headlines and bodies drawn in batches.

Filler is Zipf-like over the vocabulary with about 9% of words from the story's topical set; sentences of
12-30 words, paragraphs of 2-5 sentences, "..., said Name." attributions, some quoted. Copies of an
article get word-level edits (`edit_words`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsdedup.synth.vocab import CAP, COMMA, LUT_SIZE, PERIOD, PLAIN, QCLOSE, QOPEN, Vocab, vocab
from newsdedup.synth.words import PLACES, SECTIONS

__all__ = [
    "N_TOPICAL",
    "Story",
    "bytes_per_token",
    "content_words",
    "edit_words",
    "make_story",
    "sample_bodies",
    "sample_titles",
]

_SECTION_NAMES = sorted(SECTIONS)
_N_PERSONS = 3
N_TOPICAL = 21


@dataclass(frozen=True)
class Story:
    """One event: its section, dateline place, people and the topical words its articles share."""

    sid: int
    section: str
    place: int  # index into PLACES
    persons: np.ndarray  # base indices of its people (attributions quote them)
    topical: np.ndarray  # base indices mixed into the filler; always N_TOPICAL long
    centre: dt.datetime


def make_story(rng: np.random.Generator, v: Vocab, sid: int, centre: dt.datetime) -> Story:
    """Draw a story's section, dateline place and topical words (one uniform draw, no rejection)."""
    u = rng.random(12)
    section = _SECTION_NAMES[int(u[0] * len(_SECTION_NAMES))]
    sec = v.section_idx[section]
    persons = v.person_idx[(u[1:4] * len(v.person_idx)).astype(np.int64)]
    place = int(u[4] * len(PLACES))
    extra_places = v.place_idx[(u[5:7] * len(v.place_idx)).astype(np.int64)]
    org = v.org_idx[int(u[7] * len(v.org_idx))]
    nouns = np.concatenate(
        [sec[(u[8:12] * len(sec)).astype(np.int64)], v.n_function + rng.integers(150, 1500, 3)]
    )
    # Key nouns appear more often than names, and the dateline place often.
    topical = np.concatenate([nouns, nouns, persons, [v.place_idx[place]] * 2, extra_places, [org]])
    return Story(sid, section, place, persons, topical.astype(np.int64), centre)


def sample_bodies(
    rng: np.random.Generator, v: Vocab, stories: Sequence[Story], n_tokens: Sequence[int], *, short: bool
) -> list[list[str]]:
    """Return the paragraphs of one fresh body per (story, target word count), sampled in one batch.

    Everything is drawn for the whole batch at once (numpy call overhead would otherwise dominate):
    sentences of 12-30 words, paragraphs of 2-5 sentences (1-2 paragraphs in short mode), Zipf
    filler with ~9% of words from the story's topical set, commas, and "..., said Name." attributions.
    """
    tokens, n_sent, ends, per_sent = _body_tokens(rng, v, stories, n_tokens, short)
    return _paragraphs(tokens, n_sent, ends, per_sent, short)


def _body_tokens(
    rng: np.random.Generator, v: Vocab, stories: Sequence[Story], n_tokens: Sequence[int], short: bool
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(tokens of the whole batch, sentences per article, sentence ends, per-sentence draws)."""
    n_art = len(stories)
    if short:
        n_sent = rng.integers(2, 7, n_art)
    else:
        n_sent = np.maximum(2, np.rint(np.asarray(n_tokens, dtype=np.float64) / 21.0)).astype(np.int64)
    total_sent = int(n_sent.sum())
    per_sent = rng.integers(12, 31, (2, total_sent))
    slen = per_sent[0]
    ends = np.cumsum(slen)
    starts = ends - slen
    n = int(ends[-1])
    topical_rows = np.stack([s.topical for s in stories])
    person_rows = np.stack([s.persons for s in stories])
    sent_owner = np.repeat(np.arange(n_art), n_sent)
    tok_owner = np.repeat(sent_owner, slen)
    u = rng.random((4, n))
    draw = rng.integers(0, LUT_SIZE, n)
    # Never two function words in a row, and a sentence ends on a content word.
    is_fn = u[0] < 0.42
    is_fn[1:] &= ~is_fn[:-1]
    is_fn[ends - 1] = False
    base = np.where(is_fn, v.function_lut[draw], v.content_lut[draw])
    topical = u[1] < 0.09
    base[topical] = topical_rows[tok_owner[topical], (u[2][topical] * N_TOPICAL).astype(np.int64)]
    variant = np.where((u[3] < 0.05) & ~is_fn, COMMA, PLAIN)
    variant[starts] = CAP
    variant[ends - 1] = PERIOD
    # Attribution: "... word, said Name." and sometimes a quoted sentence.
    r = rng.random((3, total_sent))
    att = r[0] < 0.18
    e = ends[att]
    base[e - 1] = person_rows[sent_owner[att], (r[1][att] * _N_PERSONS).astype(np.int64)]
    base[e - 2] = v.said
    variant[e - 2] = PLAIN
    quoted = r[2][att] < 0.5
    base[e - 3] = np.where(is_fn[e - 3], v.content_lut[draw[e - 2]], base[e - 3])
    variant[e - 3] = np.where(quoted, QCLOSE, COMMA)
    variant[starts[att][quoted]] = QOPEN
    tokens = v.table[variant * v.n_base + base].tolist()
    return tokens, n_sent, ends, per_sent


def _paragraphs(
    tokens: list[str], n_sent: np.ndarray, ends: np.ndarray, per_sent: np.ndarray, short: bool
) -> list[list[str]]:
    """Cut the batch's tokens into each article's paragraphs."""
    # Paragraph boundaries, as sentence counts within each article.
    par_len = (per_sent[1] % 4 + 2).tolist()
    ends_l = ends.tolist()
    out: list[list[str]] = []
    s0 = 0
    for k in n_sent.tolist():
        s_end = s0 + k
        cuts: list[int] = []
        s = s0
        while s < s_end:
            s = min(s_end, s + par_len[s])
            cuts.append(ends_l[s - 1])
        if short and len(cuts) > 2:
            cuts = [cuts[0], cuts[-1]]
        a = ends_l[s0 - 1] if s0 else 0
        pars: list[str] = []
        for b in cuts:
            pars.append(" ".join(tokens[a:b]))
            a = b
        out.append(pars)
        s0 = s_end
    return out


def sample_titles(rng: np.random.Generator, v: Vocab, stories: Sequence[Story]) -> list[str]:
    """Return one headline per story: 6-11 words opening with a topical word, no final period."""
    lengths = rng.integers(6, 12, len(stories))
    ends = np.cumsum(lengths)
    n = int(ends[-1])
    owner = np.repeat(np.arange(len(stories)), lengths)
    draw = rng.integers(0, LUT_SIZE, n)
    u = rng.random((2, n))
    base = np.where(u[0] < 0.3, v.function_lut[draw], v.content_lut[draw])
    topical = u[1] < 0.3
    topical[ends - lengths] = True
    topical_rows = np.stack([s.topical for s in stories])
    base[topical] = topical_rows[owner[topical], (u[0][topical] * N_TOPICAL).astype(np.int64)]
    base[ends - 1] = v.content_lut[draw[ends - 1]]
    words = v.table[base].tolist()
    out: list[str] = []
    a = 0
    for b in ends.tolist():
        first = words[a]
        out.append(first[0].upper() + first[1:] + " " + " ".join(words[a + 1 : b]))
        a = b
    return out


def content_words(rng: np.random.Generator, v: Vocab, n: int) -> list[str]:
    return [str(w) for w in v.table[v.content_lut[rng.integers(0, LUT_SIZE, n)]].tolist()]


def edit_words(rng: np.random.Generator, v: Vocab, paragraphs: list[str], rate: float) -> list[str]:
    """Substitute, insert or delete about `rate` of the words (only bare words, so sentences stay intact)."""
    # Paragraph breaks ride along inside tokens like "end.\n\nNext", which are never edited.
    words = "\n\n".join(paragraphs).split(" ")
    n_edits = int(rng.binomial(len(words), rate))
    if n_edits == 0:
        return paragraphs
    positions = np.unique(rng.integers(0, len(words), n_edits))[::-1]
    ops = rng.integers(0, 3, len(positions)).tolist()
    fresh = content_words(rng, v, len(positions))
    for pos, op, new in zip(positions.tolist(), ops, fresh, strict=True):
        w = words[pos]
        if not w.isalpha() or w[0].isupper():
            continue
        if op == 0:
            words[pos] = new
        elif op == 1:
            words.insert(pos, new)
        else:
            del words[pos]
    return " ".join(words).split("\n\n")


@lru_cache(maxsize=1)
def bytes_per_token() -> float:
    """Bytes per word of sampled text, measured once with a throwaway generator, so article lengths hit
    `SynthConfig.mean_bytes`."""
    v = vocab()
    story = make_story(np.random.default_rng(0), v, 0, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    bodies = sample_bodies(np.random.default_rng(1), v, [story] * 50, [400] * 50, short=False)
    text = "\n\n".join("\n\n".join(b) for b in bodies)
    n_words = text.count(" ") + text.count("\n\n") + 1
    return len(text.encode()) / n_words
