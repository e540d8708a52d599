"""Headline-only evaluation sets (dev tool for ``eval_headlines.py``): real ones read from ../shared/data and a
synthetic aggregator feed. Each loader returns (docs for ``cluster_stories``, story label per row); a headline
-only record's matching text is its normalised headline, as the job makes it.

- ``basil_titles``: BASIL's 300 headlines alone (100 events x 3 outlets: small stories, many of a kind).
- ``ag_titles``: AG News test titles (7,600; no story labels). Silver same-story pairs: an AP and a Reuters
  item whose descriptions share most of their words (``ag_pairs``); every other item is its own story, so the
  B-cubed is a rough guide, and pair recall (``pair_recall``) the figure that counts.
- ``aggregator``: a synthetic two-day aggregator feed: ``n_stories`` stories of heavy-tailed size, each
  reworded by many publishers. A story has its own entities (some shared with another story of its subject,
  e.g. two stories about one company) and event words, each written in several forms (plural, -ed, -ing, an
  abbreviation); a headline draws none to two of its entities (and at times another of its subject), one to three event words, words of its subject
  (shared by all the subject's stories) and common filler. Words come from the AG News vocabulary (real
  English, real frequencies), so the set needs ../shared/data too.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from newsdedup.text.normalize import normalize_for_matching as norm

_WORD = re.compile(r"[A-Za-z][a-z]+")


def _docs(titles: list[str], times: list[pd.Timestamp | None], sources: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": [f"h{i:06d}" for i in range(len(titles))],
            "title": titles,
            "match_text": [norm(t) for t in titles],
            "published_at": pd.to_datetime(pd.Series(times, dtype=object), utc=True),
            "source": sources,
            "group_size": 1,
        }
    )


def basil_titles(data: Path) -> tuple[pd.DataFrame, list[str]]:
    titles, times, sources, labels = [], [], [], []
    for f in sorted((data / "basil" / "articles").glob("*/*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        titles.append(d["title"])
        times.append(pd.Timestamp(d["date"], tz="UTC"))
        sources.append(d["source"].lower())
        labels.append(d["triplet-uuid"])
    return _docs(titles, times, sources), labels


def _ag_rows(data: Path) -> list[tuple[str, str]]:
    with open(data / "ag_news_test" / "test.csv", encoding="utf-8") as fh:
        return [(r[1], r[2]) for r in csv.reader(fh)]


def ag_pairs(rows: list[tuple[str, str]], min_cosine: float = 0.35) -> list[tuple[int, int]]:
    """Silver same-story pairs: an AP item and a Reuters item whose title + description TF-IDF cosine is
    ``min_cosine`` or more (agency reports of one story; a few are two stories of one subject)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([f"{t} {d}" for t, d in rows])
    ap = [i for i, (t, _) in enumerate(rows) if t.rstrip().endswith("(AP)")]
    rt = [i for i, (t, _) in enumerate(rows) if t.rstrip().endswith("(Reuters)")]
    a, b = np.nonzero((x[ap] @ x[rt].T).toarray() >= min_cosine)
    return [(ap[int(i)], rt[int(j)]) for i, j in zip(a, b, strict=True)]


def ag_titles(data: Path) -> tuple[pd.DataFrame, list[str], list[tuple[int, int]]]:
    rows = _ag_rows(data)
    pairs = ag_pairs(rows)
    label = list(range(len(rows)))
    for a, b in pairs:
        label[b] = label[a]
    # the agency tag is the outlet, not the headline; AG's titles keep escaped HTML ("&lt;b&gt;...")
    titles = [re.sub(r"\s*\((AP|Reuters|AFP|[A-Za-z.]+\.com)\)\s*$", "", _unescape(t)) for t, _ in rows]
    return _docs(titles, [None] * len(rows), ["ag"] * len(rows)), [str(x) for x in label], pairs


def _unescape(title: str) -> str:
    text = html.unescape(html.unescape(title)).replace("#39;", "'").replace("\\$", "$")
    return re.sub(r"<[^>]*>|\.\.\.", " ", text).strip()


def pair_recall(topic: list[str], pairs: list[tuple[int, int]]) -> float:
    return sum(topic[a] == topic[b] for a, b in pairs) / max(len(pairs), 1)


def _vocabulary(data: Path) -> tuple[list[str], np.ndarray, list[str]]:
    """(common lower-case words, their probabilities, capitalised names) from AG News titles and descriptions."""
    low: dict[str, int] = {}
    caps: dict[str, int] = {}
    for title, desc in _ag_rows(data):
        for text in (title, desc):
            toks = _WORD.findall(text)
            for k, w in enumerate(toks):
                if w[0].isupper():
                    if k > 0 and len(w) > 3:
                        caps[w] = caps.get(w, 0) + 1
                else:
                    low[w] = low.get(w, 0) + 1
    words = sorted(low, key=lambda w: (-low[w], w))[:6000]
    freq = np.array([low[w] for w in words], dtype=np.float64)
    names = sorted((w for w in caps if caps[w] >= 2 and w.lower() not in low), key=lambda w: (-caps[w], w))
    return words, freq / freq.sum(), names[:3000]


def _forms(word: str, rng: np.random.Generator) -> list[str]:
    """A word and its inflected forms (a headline writes any of them)."""
    if word.endswith(("s", "ed", "ing")):
        return [word]
    base = word[:-1] if word.endswith("e") else word
    out = [word, word + "s"]
    if rng.random() < 0.5:
        out += [base + "ed", base + "ing"]
    return sorted(set(out))


def _entity(names: list[str], rng: np.random.Generator) -> list[str]:
    """An entity's written forms: a one- or two-word name, the two-word one also shortened to its last word
    or an initialism ("Federal Reserve" / "Reserve" / "FR")."""
    if rng.random() < 0.5:
        return [names[int(rng.integers(len(names)))]]
    a, b = (names[int(i)] for i in rng.integers(len(names), size=2))
    return [f"{a} {b}", b, a[0] + b[0]]


def aggregator(
    data: Path,
    n_stories: int = 80,
    mean_size: float = 75.0,
    seed: int = 0,
    n_subjects: int = 30,
    easy: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """The synthetic aggregator feed (see the module docstring); about ``n_stories * mean_size`` headlines.
    ``easy``: every headline names one or two of its story's entities and carries 2-4 filler words (instead
    of 0-2 entities and 3-7 fillers): a feed less split by one global cut, as the reviewer's real one is."""
    mentions, fillers = ([1, 1, 2], (2, 5)) if easy else ([0, 1, 1, 2], (3, 8))
    rng = np.random.default_rng(seed)
    words, prob, names = _vocabulary(data)
    common = rng.choice(len(words), size=20000, p=prob)  # filler, drawn by real frequency
    mid = words[200:4000]  # subject and event words: neither the commonest nor the rarest
    subjects = []
    for _ in range(n_subjects):
        subjects.append(
            {
                "words": [mid[int(i)] for i in rng.choice(len(mid), 6, replace=False)],
                "entities": [_entity(names, rng) for _ in range(4)],
            }
        )
    publishers = [f"outlet{i}" for i in range(2000)]
    start = pd.Timestamp("2014-03-10", tz="UTC")
    titles, times, sources, labels = [], [], [], []
    sizes = np.maximum(5, rng.lognormal(np.log(mean_size) - 0.5, 1.0, size=n_stories)).astype(int)
    for s in range(n_stories):
        subj = subjects[int(rng.integers(n_subjects))]
        own = [_entity(names, rng) for _ in range(int(rng.integers(1, 3)))]
        shared = [subj["entities"][int(i)] for i in rng.choice(4, int(rng.integers(0, 2)), replace=False)]
        ents = own + shared
        events = [
            _forms(mid[int(i)], rng) for i in rng.choice(len(mid), int(rng.integers(3, 7)), replace=False)
        ]
        t0 = rng.uniform(0, 40)
        for _ in range(int(sizes[s])):
            parts: list[str] = []
            n_ent = min(len(ents), int(rng.choice(mentions)))
            for e in rng.choice(len(ents), n_ent, replace=False):
                forms = ents[int(e)]
                parts.append(forms[0] if rng.random() < 0.6 else forms[int(rng.integers(len(forms)))])
            for e in rng.choice(len(events), min(len(events), int(rng.integers(1, 4))), replace=False):
                forms = events[int(e)]
                parts.append(forms[int(rng.integers(len(forms)))])
            if rng.random() < 0.3:  # another entity of the subject, as a headline gives context
                forms = subj["entities"][int(rng.integers(4))]
                parts.append(forms[int(rng.integers(len(forms)))])
            parts += [subj["words"][int(i)] for i in rng.choice(6, int(rng.integers(0, 3)), replace=False)]
            parts += [
                words[int(common[int(i)])]
                for i in rng.integers(len(common), size=int(rng.integers(*fillers)))
            ]
            order = rng.permutation(len(parts))
            text = " ".join(parts[int(i)] for i in order)
            titles.append(text[0].upper() + text[1:])
            times.append(start + pd.Timedelta(hours=t0 + rng.exponential(6.0)))
            sources.append(publishers[int(rng.integers(len(publishers)))])
            labels.append(f"s{s}")
    return _docs(titles, times, sources), labels
