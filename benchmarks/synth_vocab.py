#!/usr/bin/env python
"""What makes stories distinct: vocabulary statistics of real news sets beside the generator's.

For each set (BBC, BASIL and AG News from ../shared/data when present, and the generator's originals at a few
sizes) it prints, on a sample of ``--docs`` articles:

- ``top2k``: share of word tokens among the sample's 2,000 most frequent words;
- ``rare``: share of tokens whose document frequency is at most 0.5% of the sample (in at most 10 of 2,000);
- ``caps`` / ``nums``: distinct capitalised words not opening a sentence (a cheap proxy for names and places)
  and distinct number tokens per article;
- ``heaps_beta``: the exponent of Heaps' law V = K * N^beta (distinct words against tokens), fitted over the
  sample's prefixes;

    benchmarks/synth_vocab.py [--docs 2000] [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.exists():
    DATA = Path("/work/shared/data")
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*|\d[\d,.]*\d|\d")
_SENTENCE_END = re.compile(r"[.!?][”\"']?$")


def bbc() -> Iterator[str]:
    for path in sorted((DATA / "bbc").glob("*/*.txt")):
        yield path.read_bytes().decode("cp1252", errors="replace")


def basil() -> Iterator[str]:
    for path in sorted((DATA / "basil" / "articles").glob("*/*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        pars = [" ".join(p) for p in rec.get("body-paragraphs", [])]
        yield rec.get("title", "") + "\n\n" + "\n\n".join(pars)


def ag_news() -> Iterator[str]:
    with (DATA / "ag_news_test" / "test.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            yield row[1] + ". " + row[2].replace("\\n", " ")


def generator(n: int, seed: int = 0) -> Iterator[str]:
    from newsdedup.synth import SynthConfig, generate

    for a in generate(SynthConfig(n_articles=n, seed=seed)):
        if not a.is_copy:
            yield a.title + "\n\n" + a.body


def stats(texts: Iterable[str], n_docs: int) -> dict[str, float]:
    """The statistics above over the first ``n_docs`` texts."""
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    caps: list[int] = []
    nums: list[int] = []
    growth: list[tuple[int, int]] = []
    n_tok = 0
    docs = 0
    for text in texts:
        if docs >= n_docs:
            break
        toks = _TOKEN.findall(text)
        low = [t.lower() for t in toks]
        tf.update(low)
        df.update(set(low))
        n_tok += len(low)
        growth.append((n_tok, len(tf)))
        prev_end = True
        cap: set[str] = set()
        for raw in text.split():
            word = raw.strip("“”\"'(),;:")
            if word[:1].isupper() and not prev_end and word.isalpha():
                cap.add(word)
            prev_end = bool(_SENTENCE_END.search(raw)) or raw.endswith(":")
        caps.append(len(cap))
        nums.append(len({t for t in toks if t[0].isdigit()}))
        docs += 1
    total = sum(tf.values())
    top = sum(c for _, c in tf.most_common(2000))
    rare_cut = max(1, int(0.005 * docs))
    rare = sum(c for w, c in tf.items() if df[w] <= rare_cut)
    g = np.array(growth[len(growth) // 20 :], dtype=np.float64)
    beta = float(np.polyfit(np.log(g[:, 0]), np.log(g[:, 1]), 1)[0]) if len(g) > 2 else float("nan")
    return {
        "docs": docs,
        "tokens_per_doc": round(total / max(docs, 1), 1),
        "vocab": len(tf),
        "top2k": round(top / total, 3),
        "rare": round(rare / total, 3),
        "caps": round(float(np.mean(caps)), 1),
        "nums": round(float(np.mean(nums)), 1),
        "heaps_beta": round(beta, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    args = ap.parse_args()
    sets: list[tuple[str, Iterable[str]]] = []
    if DATA.exists():
        sets += [("bbc", bbc()), ("basil", basil()), ("ag_news", ag_news())]
    for n in args.sizes:
        # The originals of an n-article corpus, sampled from its start (the same stories density as n).
        sets.append((f"generator {n}", generator(n)))
    for name, texts in sets:
        print(json.dumps({"set": name, **stats(texts, args.docs)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
