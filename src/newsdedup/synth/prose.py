"""Sampling the text of stories: a story's topical words, then headlines and bodies drawn in batches.

A story's topical set mixes section and content nouns with what is specific to it (specific.py): three
people (a first name and a surname from a pool of a million), a town, an organisation, three figures, a
date and four rare terms of its own. About 12% of body words come from that set; the filler is Zipf-like
over the word lists, with about 15% of its content words from the long tail of rare words and 4%
incidental names and towns, all with Zipf-like use, so common names recur across stories and the
vocabulary grows with the corpus. Sentences of 12-30 words, paragraphs of 2-5 sentences, "..., said
Name." attributions, some quoted. Copies of an article get word-level edits (`edit_words`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsdedup.synth.specific import (
    date_phrase,
    figures,
    org_names,
    rare_words,
    surnames,
    town_names,
    zipf_ranks,
)
from newsdedup.synth.vocab import (
    CAP,
    COMMA,
    LUT_SIZE,
    PERIOD,
    PLAIN,
    QCLOSE,
    QOPEN,
    Vocab,
    vocab,
)
from newsdedup.synth.words import FIRST_NAMES, PLACES, SECTIONS

__all__ = [
    "N_SPECIFIC",
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
#: A story's specific items: 3 people, a town, an organisation, 3 figures, a date, 4 rare terms.
N_SPECIFIC = 13
_KEYS = 9  # position of the first rare term among the specific items
N_TOPICAL = 32
#: Share of body words from the story's topical set; of the filler's content words, the shares of rare
#: words and of incidental names or towns (both from the open-ended pools, shared by all stories).
_TOPICAL_SHARE = 0.12
_RARE_SHARE = 0.15
_NAME_SHARE = 0.04


@dataclass(frozen=True)
class Story:
    """One event: its section, dateline place, specific items and the topical words its articles share.

    Topical indices below ``Vocab.n_base`` are word-list tokens; ``n_base + k`` is ``specific[k]``."""

    sid: int
    section: str
    place: int  # index into PLACES
    persons: np.ndarray  # indices of its people (attributions quote them), n_base + k
    topical: np.ndarray  # indices mixed into the filler; always N_TOPICAL long
    centre: dt.datetime
    specific: tuple[str, ...] = ()  # N_SPECIFIC items


def make_story(rng: np.random.Generator, v: Vocab, sid: int, centre: dt.datetime) -> Story:
    """Draw a story's section, dateline place, specific items and topical words (no rejection)."""
    u = rng.random(10)
    section = _SECTION_NAMES[int(u[0] * len(_SECTION_NAMES))]
    sec = v.section_idx[section]
    place = int(u[1] * len(PLACES))
    extra_place = v.place_idx[int(u[2] * len(v.place_idx))]
    firsts = [FIRST_NAMES[int(x * len(FIRST_NAMES))] for x in u[3:6]]
    people = [f"{f} {s}" for f, s in zip(firsts, surnames(zipf_ranks(rng, 3, 1.05, 30.0)), strict=True)]
    specific = (
        *people,
        *town_names(zipf_ranks(rng, 1, 1.05, 30.0)),
        *org_names(zipf_ranks(rng, 1, 1.05, 30.0)),
        *figures(rng, 3),
        date_phrase(float(u[6]), centre),
        *rare_words(zipf_ranks(rng, 4, 1.0, 300.0)),
    )
    nouns = np.concatenate(
        [sec[(u[7:10] * len(sec)).astype(np.int64)], v.n_function + rng.integers(150, 1500, 3)]
    )
    local = v.n_base + np.arange(N_SPECIFIC)
    keys = local[_KEYS:]
    # Key nouns and the story's own terms appear more often than names, and the dateline place often.
    topical = np.concatenate(
        [nouns, nouns, keys, keys, local[:_KEYS], [v.place_idx[place]] * 2, [extra_place]]
    )
    return Story(sid, section, place, local[:_N_PERSONS], topical.astype(np.int64), centre, specific)


def sample_bodies(
    rng: np.random.Generator, v: Vocab, stories: Sequence[Story], n_tokens: Sequence[int], *, short: bool
) -> list[list[str]]:
    """Return the paragraphs of one fresh body per (story, target word count), sampled in one batch.

    Everything is drawn for the whole batch at once (numpy call overhead would otherwise dominate):
    sentences of 12-30 words, paragraphs of 2-5 sentences (1-2 paragraphs in short mode), Zipf
    filler with ~12% of words from the story's topical set, commas, and "..., said Name." attributions.
    """
    tokens, n_sent, ends, per_sent = _body_tokens(rng, v, stories, n_tokens, short)
    return _paragraphs(tokens, n_sent, ends, per_sent, short)


def _capital(w: str) -> str:
    return w[0].upper() + w[1:]


# How each variant prints a word (as vocab.py prints the word lists).
_VARIANTS: dict[int, Callable[[str], str]] = {
    PLAIN: lambda w: w,
    CAP: _capital,
    COMMA: lambda w: w + ",",
    PERIOD: lambda w: w + ".",
    QOPEN: lambda w: "“" + _capital(w),
    QCLOSE: lambda w: w + ",”",
}


class _Batch:
    """A batch's token space: the word lists' tokens, then each story's specific items (story j's item k
    at ``n_base + j * N_SPECIFIC + k``), then open-pool words drawn for single places in the text."""

    def __init__(self, v: Vocab, stories: Sequence[Story]) -> None:
        self.v = v
        self.words: list[str] = [w for s in stories for w in s.specific]
        self.story_offset = np.arange(len(stories), dtype=np.int64) * N_SPECIFIC

    def localise(self, idx: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """Story-relative indices (``n_base + k``) of the stories ``owner`` to batch indices."""
        return np.where(idx >= self.v.n_base, idx + self.story_offset[owner], idx)

    def add(self, words: list[str]) -> np.ndarray:
        """Append words drawn for single places; return their batch indices."""
        first = self.v.n_base + len(self.words)
        self.words.extend(words)
        return np.arange(first, first + len(words), dtype=np.int64)

    def lookup(self, base: np.ndarray, variant: np.ndarray | int) -> list[str]:
        """The printed tokens of (base, variant) pairs."""
        v = self.v
        variant = np.broadcast_to(np.asarray(variant, dtype=np.int64), base.shape)
        out = np.empty(len(base), dtype=object)
        glob = base < v.n_base
        out[glob] = v.table[variant[glob] * v.n_base + base[glob]]
        if not glob.all():
            local = np.flatnonzero(~glob)
            words = np.array(self.words, dtype=object)[base[local] - v.n_base]
            kinds = variant[local]
            for kind in np.unique(kinds).tolist():
                sel = kinds == kind
                out[local[sel]] = [_VARIANTS[kind](w) for w in words[sel].tolist()]
        return out.tolist()


def _open_pool_words(rng: np.random.Generator, batch: _Batch, base: np.ndarray, is_fn: np.ndarray) -> None:
    """Replace some filler content words, in place, by rare words and incidental names or towns."""
    u = rng.random(len(base))
    rare = np.flatnonzero((u < _RARE_SHARE) & ~is_fn)
    base[rare] = batch.add(rare_words(zipf_ranks(rng, len(rare), 1.4, 20.0)))
    named = np.flatnonzero((u >= _RARE_SHARE) & (u < _RARE_SHARE + _NAME_SHARE) & ~is_fn)
    half = len(named) // 2
    names = surnames(zipf_ranks(rng, half, 1.05, 30.0)) + town_names(
        zipf_ranks(rng, len(named) - half, 1.05, 30.0)
    )
    base[named] = batch.add(names)


def _body_tokens(
    rng: np.random.Generator, v: Vocab, stories: Sequence[Story], n_tokens: Sequence[int], short: bool
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(tokens of the whole batch, sentences per article, sentence ends, per-sentence draws)."""
    n_art = len(stories)
    batch = _Batch(v, stories)
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
    _open_pool_words(rng, batch, base, is_fn)
    topical = u[1] < _TOPICAL_SHARE
    base[topical] = batch.localise(
        topical_rows[tok_owner[topical], (u[2][topical] * N_TOPICAL).astype(np.int64)], tok_owner[topical]
    )
    variant = np.where((u[3] < 0.05) & ~is_fn, COMMA, PLAIN)
    variant[starts] = CAP
    variant[ends - 1] = PERIOD
    # Attribution: "... word, said Name." and sometimes a quoted sentence.
    r = rng.random((3, total_sent))
    att = r[0] < 0.18
    e = ends[att]
    owner = sent_owner[att]
    base[e - 1] = batch.localise(person_rows[owner, (r[1][att] * _N_PERSONS).astype(np.int64)], owner)
    base[e - 2] = v.said
    variant[e - 2] = PLAIN
    quoted = r[2][att] < 0.5
    base[e - 3] = np.where(is_fn[e - 3], v.content_lut[draw[e - 2]], base[e - 3])
    variant[e - 3] = np.where(quoted, QCLOSE, COMMA)
    variant[starts[att][quoted]] = QOPEN
    return batch.lookup(base, variant), n_sent, ends, per_sent


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
    batch = _Batch(v, stories)
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
    base[topical] = batch.localise(
        topical_rows[owner[topical], (u[0][topical] * N_TOPICAL).astype(np.int64)], owner[topical]
    )
    base[ends - 1] = v.content_lut[draw[ends - 1]]
    words = batch.lookup(base, PLAIN)
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
