"""Story clustering per language: keyword stop-word rate, B-cubed and cross-language stories, with and
without the articles' languages; and the cost of passing languages on English input.

Corpora: the hand-written stories of tests/cluster/multilingual.py (de, fr, ru, zh, ja: known stories), and,
when ../shared/data/multilingual is present, its WMT news documents (de, ru, uk, en) together with their
human translations (fr, en, ja) as separate articles: a document and its translation share every name and
number, the hardest case for the no-cross-language rule. That corpus has no story labels: its gold is one
story per document and language (the rule's target; documents on one event would count as errors), and
the figures to read are the stories spanning two languages and the keyword stop-word rate.

Usage: python benchmarks/eval_cluster_languages.py [--data ../shared/data/multilingual] [--english N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# ../shared/data beside the checkout (or beside the folder of worktrees)
SHARED = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").exists()), Path("shared/data")
)

from newsdedup.cluster import cluster_stories, elided_text  # noqa: E402
from newsdedup.cluster.languages import language_key, stop_words_for  # noqa: E402
from newsdedup.metrics import bcubed_prf  # noqa: E402
from newsdedup.params import ClusterParams  # noqa: E402
from newsdedup.text.normalize import normalize_many  # noqa: E402


def _docs(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Canonical articles from (title, body, lang, story) rows, matching text made as the job makes it."""
    df = pd.DataFrame(rows)
    texts = normalize_many(df["body"].tolist())
    df["match_text"] = [
        elided_text(t, b, lang) for t, b, lang in zip(texts, df["body"], df["lang"], strict=True)
    ]
    df.insert(0, "article_id", [f"d{i:05d}" for i in range(len(df))])
    df["published_at"] = pd.NaT
    df["source"] = df.get("source", "s")
    df["group_size"] = 1
    return df


def _measure(name: str, docs: pd.DataFrame) -> None:
    for with_lang in (False, True):
        langs = docs["lang"].tolist() if with_lang else None
        topic, topics = cluster_stories(docs, ClusterParams(), languages=langs)
        _p, _r, f1 = bcubed_prf(topic.tolist(), docs["story"].tolist())
        per_topic = pd.DataFrame({"t": topic.to_numpy(), "lang": docs["lang"].to_numpy()})
        spans = per_topic.groupby("t")["lang"].nunique()
        main_lang = per_topic.groupby("t")["lang"].agg(lambda s: s.value_counts().index[0])
        n_kw = n_stop = 0
        for tid, words in zip(topics["topic_id"], topics["keywords"], strict=True):
            stop = stop_words_for(language_key(main_lang[tid]))
            n_kw += len(words)
            n_stop += sum(w in stop for w in words)
        print(
            f"{name:<28} languages={'yes' if with_lang else 'no ':<3}  docs {len(docs):>5}  stories "
            f"{len(topics):>5}  B3 F1 {f1:.4f}  stories over 2+ languages {int((spans > 1).sum()):>3}  "
            f"keyword stop-word rate {n_stop / max(n_kw, 1):.4f} ({n_stop}/{n_kw})"
        )


def hand_written() -> pd.DataFrame:
    from tests.cluster.multilingual import DE, FR, JA, RU, ZH

    rows = []
    for lang, stories in (("de", DE), ("fr", FR), ("ru", RU), ("zh", ZH), ("ja", JA)):
        for s, story in enumerate(stories):
            for title, body in story:
                rows.append({"title": title, "body": body, "lang": lang, "story": f"{lang}{s}"})
    return _docs(rows)


def wmt(folder: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(folder.glob("wmt_news_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows.append(
                {"title": r["title"], "body": r["text"], "lang": r["lang"], "story": r["id"] + r["lang"]}
            )
            rows.append(
                {
                    "title": r["ref_title"],
                    "body": r["ref_text"],
                    "lang": r["ref_lang"],
                    "story": r["id"] + r["ref_lang"],
                }
            )
    return _docs(rows)


def english_cost(path: Path, repeat: int) -> None:
    """Seconds of cluster_stories on AG News (English title + description), without languages and with
    ``en`` for each article, and whether the stories, labels and keywords are identical."""
    raw = pd.read_csv(path, header=None, names=["label", "title", "body"])
    docs = pd.DataFrame(
        {
            "article_id": [f"ag{i:05d}" for i in range(len(raw))],
            "title": raw["title"],
            "match_text": normalize_many(raw["body"].astype(str).tolist()),
            "published_at": pd.NaT,
            "source": "s",
            "group_size": 1,
        }
    )
    results = {}
    for label, langs in (("none", None), ("en", ["en"] * len(docs))) * repeat:
        t0 = time.perf_counter()
        topic, topics = cluster_stories(docs, ClusterParams(), languages=langs)
        took = time.perf_counter() - t0
        best = min(took, results[label][0]) if label in results else took
        results[label] = (best, topic, topics)
    same = results["none"][1].equals(results["en"][1]) and results["none"][2].equals(results["en"][2])
    print(
        f"AG News {len(docs)} docs: cluster_stories best of {repeat} {results['none'][0]:.2f} s without "
        f"languages, {results['en'][0]:.2f} s with 'en' each; topics identical: {same}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=SHARED / "multilingual")
    ap.add_argument("--english", type=Path, default=SHARED / "ag_news_test" / "test.csv")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    _measure("hand-written (tests)", hand_written())
    if args.data.exists():
        _measure("WMT + translations", wmt(args.data))
    else:
        print(f"{args.data} not found: the WMT figures are skipped")
    if args.english.exists():
        english_cost(args.english, args.repeat)


if __name__ == "__main__":
    main()
