"""The multilingual mode (``SynthConfig.languages``): stories written in German, French, Spanish, Russian,
Chinese or Japanese from the small word lists of :mod:`newsdedup.synth.langwords`, each original with
syndicated copies (1-5% of words substituted, inserted or deleted, sometimes the last paragraph dropped, a new
headline), so duplicate detection can be measured per language and script without downloads.

Stories take the languages in turn; an article's words are Zipf-like over its language's function and content
words with about 10% of the story's topical words. Chinese and Japanese are written without spaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache

import numpy as np

from newsdedup.synth.config import SynthArticle, SynthConfig
from newsdedup.synth.langwords import DENSE, WORDS, LangWords
from newsdedup.synth.outlets import OUTLETS
from newsdedup.synth.words import PLACES

__all__ = ["LANGUAGES", "generate_multilingual"]

#: The languages the mode writes.
LANGUAGES = tuple(sorted(WORDS))
_WINDOW = 2048
_N_TOPICAL = 12


def _zipf(rng: np.random.Generator, n_words: int, size: int) -> np.ndarray:
    weights = 1.0 / (np.arange(n_words) + 2.0)
    return rng.choice(n_words, size=size, p=weights / weights.sum())


def _sentence(rng: np.random.Generator, w: LangWords, topical: list[str], lang: str) -> list[str]:
    n = int(rng.integers(10, 23))
    u = rng.random((2, n))
    fn = _zipf(rng, len(w.function), n)
    ct = _zipf(rng, len(w.content), n)
    pick = rng.integers(0, len(topical), n)
    words = [
        topical[pick[i]] if u[1, i] < 0.1 else w.function[fn[i]] if u[0, i] < 0.4 else w.content[ct[i]]
        for i in range(n)
    ]
    if lang not in DENSE:
        words[0] = words[0][:1].upper() + words[0][1:]
    return words


def _render(paragraphs: list[list[list[str]]], lang: str) -> list[str]:
    """Token lists -> paragraph strings (no spaces and "。" for dense scripts)."""
    if lang in DENSE:
        return ["".join("".join(s) + "。" for s in par) for par in paragraphs]
    return [" ".join(" ".join(s) + "." for s in par) for par in paragraphs]


@cache
def _bytes_per_word(lang: str) -> float:
    w = WORDS[lang]
    words = w.function + w.content
    sep = 0 if lang in DENSE else 1
    return sum(len(x.encode()) + sep for x in words) / len(words)


def _body(
    rng: np.random.Generator, lang: str, topical: list[str], target_bytes: float, short: bool
) -> list[list[list[str]]]:
    w = WORDS[lang]
    n_sent = int(rng.integers(2, 6)) if short else max(2, round(target_bytes / _bytes_per_word(lang) / 16))
    sentences = [_sentence(rng, w, topical, lang) for _ in range(n_sent)]
    paragraphs: list[list[list[str]]] = []
    while sentences:
        k = int(rng.integers(2, 5))
        paragraphs.append(sentences[:k])
        sentences = sentences[k:]
    return paragraphs


def _edit(
    rng: np.random.Generator, lang: str, paragraphs: list[list[list[str]]], rate: float, short: bool
) -> list[list[list[str]]]:
    """A syndicated copy's text: about ``rate`` of the words substituted, inserted or deleted."""
    w = WORDS[lang]
    out = []
    for par in paragraphs:
        new_par = []
        for sent in par:
            s = list(sent)
            for i in range(len(s) - 1, 0, -1):
                if rng.random() < rate:
                    op = int(rng.integers(3))
                    word = w.content[int(rng.integers(len(w.content)))]
                    if op == 0:
                        s[i] = word
                    elif op == 1:
                        s.insert(i, word)
                    elif len(s) > 3:
                        del s[i]
            new_par.append(s)
        out.append(new_par)
    if not short and len(out) >= 4 and rng.random() < 0.35:
        out = out[:-1]
    return out


def _title(rng: np.random.Generator, lang: str, topical: list[str]) -> str:
    words = _sentence(rng, WORDS[lang], topical, lang)[:8]
    words[0] = topical[0] if lang in DENSE else topical[0][:1].upper() + topical[0][1:]
    return ("" if lang in DENSE else " ").join(words)


def _story(
    rng: np.random.Generator, config: SynthConfig, lang: str, sid: int, first_gid: int
) -> Iterator[tuple[int, bool, str, list[list[list[str]]], dt.datetime, int, int]]:
    """One story's originals and copies: (group, is copy, headline, text, time, outlet index, place)."""
    start, span = config.start_datetime(), dt.timedelta(days=config.days())
    copies_mean = config.dup_rate / (1.0 - config.dup_rate)
    w = WORDS[lang]
    topical = [w.content[int(i)] for i in rng.integers(0, len(w.content), _N_TOPICAL)]
    topical += [w.names[int(i)] for i in rng.integers(0, len(w.names), 3)]
    centre = start + span * float(rng.random())
    place = int(rng.integers(len(PLACES)))
    lo, hi = config.originals_per_story
    for g in range(int(rng.integers(lo, hi + 1))):
        n_copies = int(min(40, rng.negative_binomial(0.5, 0.5 / (0.5 + copies_mean)))) if copies_mean else 0
        size = float(np.clip(rng.lognormal(-0.06, 0.35), 0.25, 4.0)) * config.mean_bytes
        original = _body(rng, lang, topical, size, config.short)
        title = _title(rng, lang, topical)
        t0 = min(max(centre + dt.timedelta(hours=float(rng.normal(0.0, 4.0))), start), start + span)
        outlets = rng.permutation(len(OUTLETS)).tolist()
        for k in range(n_copies + 1):
            pars, head, t = original, title, t0
            if k:
                pars = _edit(rng, lang, original, 0.01 + 0.04 * float(rng.random() ** 3), config.short)
                head = _title(rng, lang, topical) if rng.random() < 0.4 else title
                t = t0 + dt.timedelta(minutes=2 + float(rng.exponential(90.0)))
            yield first_gid + g, k > 0, head, pars, t, outlets[k % len(OUTLETS)], place


def generate_multilingual(config: SynthConfig) -> Iterator[SynthArticle]:
    """Yield ``config.n_articles`` articles in ``config.languages`` (the same config, the same articles)."""
    rng = np.random.default_rng([config.seed, 2])
    window: list[SynthArticle] = []
    emitted = sid = gid = 0
    while emitted < config.n_articles:
        lang = config.languages[sid % len(config.languages)]
        w = WORDS[lang]
        for group, is_copy, head, pars, t, o, place in _story(rng, config, lang, sid, gid):
            if emitted >= config.n_articles:
                break
            gid = group + 1
            outlet = OUTLETS[o]
            local = t.replace(second=0, microsecond=0).astimezone(outlet.tz)
            city, country = PLACES[place]
            window.append(
                SynthArticle(
                    id=f"syn-{emitted:07d}",
                    title=head,
                    body="\n\n".join(_render(pars, lang)),
                    author="" if outlet.layout == "plain" else w.names[int(rng.integers(len(w.names)))],
                    source=outlet.name,
                    url=f"https://www.{outlet.domain}/{lang}/{local:%Y/%m/%d}/article-{emitted}",
                    published_at=local,
                    dup_group=f"g{group:07d}",
                    story=f"s{sid:07d}",
                    layout=outlet.layout,
                    path=f"{outlet.slug}/{emitted // 1000:04d}/{lang}-{emitted:07d}.txt",
                    location=city,
                    country=country,
                    section="world",
                    is_copy=is_copy,
                    language=lang,
                )
            )
            emitted += 1
            if len(window) >= _WINDOW:
                yield from (window[i] for i in rng.permutation(len(window)).tolist())
                window.clear()
        sid += 1
    yield from (window[i] for i in rng.permutation(len(window)).tolist())
