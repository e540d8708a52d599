"""Quality of the coarse level (themes) against broad-subject labels, beside the story level's.

    nice .venv/bin/python benchmarks/eval_themes.py [--data ../shared/data] [--thresholds 0.06,0.1,0.14]

Sets (all in ../shared/data; none is copied into the repo):

- bbc16: ~200 BBC articles in 16 sub-subjects of its 5 sections (football, rugby, tennis, athletics; video
  games, mobile phones, computer security; economy, takeovers and shares, oil and energy, airlines;
  elections, Iraq and terrorism, immigration and asylum; film, music). (BBC's sport has no cricket.) BBC does not label sub-subjects: an article's subject is the
  one whose words (``SUBJECTS``) it uses most, at least 3 times and twice as often as any other subject of
  its section; 13 per subject, the first by file name. Silver labels, but the subjects are the kind a
  reader calls a broad subject, each made of several stories, as in the reviewer's 16-subject set.
- bbc5: all 2,225 BBC articles, labelled by section (business, entertainment, politics, sport, tech).
- ag4: 2,000 AG News test items (title + description, short), labelled by class (World, Sports, Business,
  Sci/Tech); the first 500 of each class.

For each set the job's story clustering runs once (default [cluster] settings, no timestamps: none of the
sets has them), then themes are made from the story centroids at each threshold, as the job does on a first
run (``incremental.assign_themes`` with no earlier themes). B-cubed P/R/F1 of the story level and of the
theme level are against the subject labels.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from newsdedup.cluster import story_clusters
from newsdedup.cluster.themes import Centroids
from newsdedup.incremental.themes import assign_themes
from newsdedup.metrics import bcubed_prf
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_many

SUBJECTS: dict[str, dict[str, list[str]]] = {
    "sport": {
        "football": [
            "football",
            "premiership",
            "striker",
            "midfielder",
            "arsenal",
            "chelsea",
            "fa cup",
            "goal",
        ],
        "rugby": ["rugby", "six nations", "scrum", "fly-half", "try", "lions"],
        "tennis": ["tennis", "wimbledon", "australian open", "grand slam", "federer", "henman", "atp"],
        "athletics": ["athletics", "marathon", "sprinter", "hurdles", "iaaf", "indoor", "100m", "holmes"],
    },
    "tech": {
        "games": ["game", "games", "gaming", "console", "xbox", "playstation", "nintendo", "gamers"],
        "mobile": ["mobile", "mobiles", "phone", "phones", "handset", "handsets", "3g"],
        "security": ["virus", "viruses", "spam", "hackers", "phishing", "spyware", "malicious", "security"],
    },
    "business": {
        "economy": ["economy", "economic", "growth", "inflation", "interest rates", "gdp", "recession"],
        "takeovers": ["shares", "takeover", "bid", "stake", "shareholders", "merger", "acquisition"],
        "energy": ["oil", "crude", "opec", "barrel", "barrels", "gas", "energy"],
        "airlines": ["airline", "airlines", "aviation", "flights", "airbus", "boeing", "passengers"],
    },
    "politics": {
        "election": ["election", "campaign", "voters", "poll", "manifesto", "lib dems", "polls"],
        "iraq_terror": ["iraq", "war", "troops", "terror", "terrorism", "terrorist", "detainees", "saddam"],
        "immigration": ["immigration", "asylum", "immigrants", "migrants", "migrant", "seekers", "border"],
    },
    "entertainment": {
        "film": ["film", "films", "oscar", "oscars", "box office", "actor", "actress", "movie"],
        "music": ["album", "band", "singer", "chart", "music", "concert", "single"],
    },
}
PER_SUBJECT = 13


def _count(text: str, words: list[str]) -> int:
    return sum(len(re.findall(rf"\b{re.escape(w)}\b", text)) for w in words)


def bbc_docs(data: Path) -> pd.DataFrame:
    """Every BBC article: article_id, title, match_text, section."""
    rows = []
    for section in sorted(SUBJECTS):
        for path in sorted((data / "bbc" / section).glob("*.txt")):
            title, _, body = path.read_text(encoding="latin-1").partition("\n")
            rows.append(
                {
                    "article_id": f"{section}/{path.stem}",
                    "title": title.strip(),
                    "body": body,
                    "section": section,
                }
            )
    docs = pd.DataFrame(rows)
    docs["match_text"] = normalize_many((docs["title"] + "\n" + docs["body"]).tolist())
    return docs


def bbc16(docs: pd.DataFrame) -> pd.DataFrame:
    """The 16-subject sample (see the module's docstring), with a ``label`` column."""
    picked = []
    counts = {s: 0 for sec in SUBJECTS.values() for s in sec}
    for row in docs.itertuples():
        text = (row.title + " " + row.body).lower()
        scores = sorted(((_count(text, w), s) for s, w in SUBJECTS[row.section].items()), reverse=True)
        (best, subject), (second, _) = scores[0], scores[1]
        if best >= 3 and best >= 2 * second and counts[subject] < PER_SUBJECT:
            counts[subject] += 1
            picked.append((row.Index, subject))
    out = docs.loc[[i for i, _ in picked]].copy()
    out["label"] = [s for _, s in picked]
    return out.reset_index(drop=True)


def ag4(data: Path, per_class: int = 500) -> pd.DataFrame:
    rows = []
    seen: dict[str, int] = {}
    with open(data / "ag_news_test" / "test.csv", encoding="utf-8") as fh:
        for i, (cls, title, desc) in enumerate(csv.reader(fh)):
            if seen.get(cls, 0) < per_class:
                seen[cls] = seen.get(cls, 0) + 1
                rows.append(
                    {
                        "article_id": f"ag{i:05d}",
                        "title": title,
                        "body": desc.replace("\\", " "),
                        "label": cls,
                    }
                )
    docs = pd.DataFrame(rows)
    docs["match_text"] = normalize_many((docs["title"] + "\n" + docs["body"]).tolist())
    return docs


def evaluate(name: str, docs: pd.DataFrame, thresholds: list[float]) -> list[dict[str, object]]:
    params = ClusterParams()
    frame = docs.assign(published_at=pd.NaT, source="", group_size=1)
    topic_id, topics, cents = story_clusters(frame, params)
    truth = docs["label"].tolist()
    p, r, f = bcubed_prf(topic_id.tolist(), truth)
    out: list[dict[str, object]] = [
        {"set": name, "n": len(docs), "subjects": docs["label"].nunique(), "level": "story",
         "threshold": params.threshold, "clusters": len(topics), "P": p, "R": r, "F1": f}
    ]  # fmt: skip
    for t in thresholds:
        got = assign_themes(cents, Centroids.empty(), replace(params, theme_threshold=t).theme_threshold)
        themes = topic_id.map(got.theme_of).tolist()
        p, r, f = bcubed_prf(themes, truth)
        out.append(
            {"set": name, "n": len(docs), "subjects": docs["label"].nunique(), "level": "theme",
             "threshold": t, "clusters": len(set(themes)), "P": p, "R": r, "F1": f}
        )  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
    ap.add_argument("--thresholds", default=f"0.01,0.02,{ClusterParams().theme_threshold},0.04,0.05,0.08")
    ap.add_argument("--sets", default="bbc16,bbc5,ag4")
    args = ap.parse_args(argv)
    thresholds = sorted({float(x) for x in args.thresholds.split(",")})
    if not (args.data / "bbc").exists():
        print(f"no data in {args.data}", file=sys.stderr)
        return 1
    wanted = args.sets.split(",")
    rows = []
    bbc = bbc_docs(args.data) if {"bbc16", "bbc5"} & set(wanted) else None
    if "bbc16" in wanted and bbc is not None:
        rows += evaluate("bbc16", bbc16(bbc), thresholds)
    if "bbc5" in wanted and bbc is not None:
        rows += evaluate("bbc5", bbc.assign(label=bbc["section"]), thresholds)
    if "ag4" in wanted:
        rows += evaluate("ag4", ag4(args.data), thresholds)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
