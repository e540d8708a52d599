"""Dev script: B-cubed F1 of story clustering on real and synthetic labelled data, and a threshold curve.

Views: BASIL full articles, BASIL short (title + first 2 paragraphs), a synthetic syndicated set (when
``newsdedup.synth`` is importable), and a BBC sanity check (topics much finer than the 5 sections; silver
near-duplicate pairs mostly in one topic). Data lives in ../shared/data and is never copied into the repo.

Beside each view it prints the plain alternative: scikit-learn TF-IDF (title + text, English stop words,
sublinear tf) and ``AgglomerativeClustering`` (average linkage, cosine distance), at the best of
``BASELINE_CUTS`` for that very set, so our figure always comes with what the obvious recipe gets when tuned
on the answers.

Usage: python benchmarks/eval_cluster.py [--thresholds 0.08,0.1,...] [--data /work/shared/data]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from newsdedup.cluster import cluster_stories
from newsdedup.metrics import bcubed_prf
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_for_matching as norm

#: distance cuts the baseline is tried at (1 - cosine similarity); its best is reported, tuned on the set itself
BASELINE_CUTS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def basil(data: Path, n_paragraphs: int | None) -> tuple[pd.DataFrame, list[str]]:
    """BASIL as canonical docs; n_paragraphs=None keeps the full body."""
    rows, labels = [], []
    for f in sorted((data / "basil" / "articles").glob("*/*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        paras = [" ".join(p) for p in d["body-paragraphs"]]
        if n_paragraphs is not None:
            paras = paras[:n_paragraphs]
        rows.append(
            {
                "article_id": f.stem,
                "title": d["title"],
                "match_text": norm("\n\n".join(paras)),
                "body": "\n\n".join(paras),
                "published_at": pd.Timestamp(d["date"], tz="UTC"),
                "source": d["source"].lower(),
                "group_size": 1,
            }
        )
        labels.append(d["triplet-uuid"])
    return pd.DataFrame(rows), labels


def bbc(data: Path) -> tuple[pd.DataFrame, list[str]]:
    rows, labels = [], []
    for f in sorted((data / "bbc").glob("*/*.txt")):
        text = f.read_bytes().decode("cp1252", errors="replace")
        title, _, body = text.partition("\n")
        rows.append(
            {
                "article_id": f"{f.parent.name}/{f.name}",
                "title": title.strip(),
                "match_text": norm(body),
                "published_at": pd.NaT,
                "source": "bbc",
                "group_size": 1,
            }
        )
        labels.append(f.parent.name)
    df = pd.DataFrame(rows)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return df, labels


def synth(
    n: int, seed_dir: Path, short: bool = False, seed: int = 0
) -> tuple[pd.DataFrame, list[str]] | None:
    """Synthetic syndicated set from newsdedup.synth (duplicates included), or None if unavailable."""
    out = seed_dir / f"synth{n}_{short}_{seed}"
    if not (out / "labels.csv").exists():
        cmd = [sys.executable, "-m", "newsdedup.synth", "--n", str(n), "--out", str(out), "--format", "jsonl"]
        cmd += ["--seed", str(seed)] + (["--short"] if short else [])
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            return None
    labels = pd.read_csv(out / "labels.csv", dtype=str)
    frames = [pd.read_json(p, lines=True, dtype=False) for p in sorted(out.rglob("*.jsonl"))]
    raw = pd.concat(frames, ignore_index=True)
    id_col = "id" if "id" in raw.columns else "article_id"
    raw[id_col] = raw[id_col].astype(str)
    raw = raw.merge(labels, left_on=id_col, right_on="id", how="inner", suffixes=("", "_lab"))
    body_col = next(c for c in ("body", "text", "content") if c in raw.columns)
    docs = pd.DataFrame(
        {
            "article_id": raw[id_col],
            "title": raw.get("title", pd.Series([""] * len(raw))).fillna("").astype(str),
            "match_text": raw[body_col].fillna("").astype(str).map(norm),
            "body": raw[body_col].fillna("").astype(str),
            "published_at": pd.to_datetime(raw["published_at"], utc=True, errors="coerce", format="mixed"),
            "source": raw.get("source", pd.Series(["?"] * len(raw))).fillna("?").astype(str),
            "group_size": 1,
        }
    )
    return docs, raw["story"].astype(str).tolist()


def baseline(docs: pd.DataFrame, labels: list[str]) -> tuple[float, float, float, float]:
    """(cut, P, R, F1) of TF-IDF + average-link agglomerative clustering at its best distance cut."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = (docs["title"].fillna("") + " " + docs["match_text"].fillna("")).tolist()
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(texts).toarray()
    best = (0.0, 0.0, 0.0, -1.0)
    for cut in BASELINE_CUTS:
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=cut
        )
        p, r, f = bcubed_prf(model.fit_predict(x).tolist(), labels)
        if f > best[3]:
            best = (cut, p, r, f)
    return best


def score(docs: pd.DataFrame, labels: list[str], params: ClusterParams) -> tuple[float, float, float, int]:
    topic, topics = cluster_stories(docs, params)
    p, r, f = bcubed_prf(topic.tolist(), labels)
    return p, r, f, len(topics)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--thresholds", default="0.06,0.08,0.10,0.12,0.14,0.16,0.18,0.20,0.24,0.28")
    ap.add_argument("--synth-n", type=int, default=3000)
    ap.add_argument(
        "--set", action="append", default=[], help="override ClusterParams field, e.g. title_weight=1"
    )
    ap.add_argument(
        "--const", action="append", default=[], help="override a constant of a newsdedup.cluster module"
    )
    args = ap.parse_args()
    from newsdedup.cluster import features, graph, linkage

    for kv in args.const:
        k, v = kv.split("=")
        mods = [m for m in (features, graph, linkage) if hasattr(m, k)]
        if not mods:
            raise SystemExit(f"no newsdedup.cluster module has a constant {k}")
        setattr(mods[0], k, eval(v))
    overrides: dict[str, Any] = {}
    for kv in args.set:
        k, v = kv.split("=")
        overrides[k] = None if v == "None" else (int(v) if v.isdigit() else float(v))
    base = replace(ClusterParams(), **overrides)
    views: dict[str, Callable[[], tuple[pd.DataFrame, list[str]] | None]] = {
        "basil_full": lambda: basil(args.data, None),
        "basil_short": lambda: basil(args.data, 2),
    }
    tmp = Path(tempfile.mkdtemp(prefix="evalcluster"))
    views["synth"] = lambda: synth(args.synth_n, tmp)
    views["synth_short"] = lambda: synth(args.synth_n, tmp, short=True, seed=1)
    loaded = {name: fn() for name, fn in views.items()}
    thresholds = [float(t) for t in args.thresholds.split(",")]
    print(f"params: {base}")
    print("threshold  " + "  ".join(f"{name:>22}" for name, v in loaded.items() if v is not None))
    for t in thresholds:
        cells = []
        for v in loaded.values():
            if v is None:
                continue
            p, r, f, k = score(v[0], v[1], replace(base, threshold=t))
            cells.append(f"F1 {f:.3f} P{p:.2f} R{r:.2f} k{k:<4d}")
        print(f"{t:9.3f}  " + "  ".join(f"{c:>22}" for c in cells), flush=True)
    cells = []
    for v in loaded.values():
        if v is None:
            continue
        cut, p, r, f = baseline(v[0], v[1])
        cells.append(f"F1 {f:.3f} P{p:.2f} R{r:.2f} d{cut:.2f}")
    print("baseline   " + "  ".join(f"{c:>22}" for c in cells), flush=True)
    if loaded["synth"] is None:
        print("synth: newsdedup.synth not available")

    docs, sections = bbc(args.data)
    topic, topics = cluster_stories(docs, base)
    silver = pd.read_csv(args.data / "bbc" / "bbc_exact_jaccard_pairs_silver.csv")
    by_id = dict(zip(docs["article_id"], topic, strict=True))
    same = [by_id[a] == by_id[b] for a, b in zip(silver["doc_a"], silver["doc_b"], strict=True)]
    p, r, f = bcubed_prf(topic.tolist(), sections)
    pure = (
        pd.DataFrame({"t": topic, "s": sections})
        .groupby("t")["s"]
        .agg(lambda s: s.value_counts().iloc[0] / len(s))
    )
    sizes = topics["size"]
    print(
        f"BBC: {len(topics)} topics for 2225 docs in 5 sections; sizes max {sizes.max()} median {sizes.median():.0f}, "
        f"singletons {(sizes == 1).sum()}; section purity (mean over topics) {pure.mean():.3f}; "
        f"B-cubed vs sections P{p:.3f} R{r:.3f}; silver pairs same topic {sum(same)}/{len(same)}"
    )
    for _, row in topics.head(8).iterrows():
        print(f"  size {row['size']:3d}  {row['label'][:60]!r}  {row['keywords'][:6]}")


if __name__ == "__main__":
    main()
