"""Duplicate pair F1 and language accuracy per language, through the CLI, on three multilingual corpora.

    .venv/bin/python benchmarks/eval_multilingual.py [--data ../shared/data/multilingual] [--synth 3000]
        [--work bench-out/eval-ml] [--config CONFIG.toml]

- ``wmt``: the WMT news documents of ``--data`` (see its SOURCE.md: de, ru, uk, en sources and their human
  translations: fr of the de documents, en of the ru/uk ones, ja of the en ones), every document and every
  translation an article of its own, and for every second one a syndicated copy made by seeded edits until
  ``--edit`` (default 2-10%) of its characters changed (a word or 2-4 characters replaced by others of the same corpus, a short
  clause dropped, an agency credit inserted, a digit changed). One mixed JSONL file. A translation is the same
  story in another language: grouping it with its original is a cross-language false pair.
- ``hand``: tests/data/multilingual (hand-written de, fr, es, ru, zh, ja articles, copies, rewrites).
- ``synth``: ``python -m newsdedup.synth --languages de,es,fr,ja,ru,zh --n N``.
Prints per corpus and language: articles, true pairs, predicted pairs, precision, recall, F1, language
accuracy, and the number of predicted pairs across languages.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
_CREDITS = {
    "de": "(dpa)", "fr": "(AFP)", "ru": "(ТАСС)", "uk": "(Укрінформ)", "en": "(Reuters)", "ja": "（共同）",
}  # fmt: skip
_DENSE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _copy(text: str, lang: str, donors: str, rng: random.Random, edit: tuple[float, float]) -> str:
    """``text`` edited until a uniform draw in ``edit`` of its characters changed."""
    target = rng.uniform(*edit) * len(text)
    changed = 0.0
    dense = lang == "ja"
    while changed < target:
        op = rng.choices(["swap", "drop", "insert", "digit"], weights=[6, 2, 1, 1])[0]
        if op == "swap" and dense:
            n = rng.randint(2, 4)
            i, j = rng.randrange(len(text) - n), rng.randrange(len(donors) - n)
            text, changed = text[:i] + donors[j : j + n] + text[i + n :], changed + n
        elif op == "swap":
            words = text.split(" ")
            i = rng.randrange(len(words))
            new = rng.choice(donors.split())
            changed += max(len(words[i]), len(new))
            words[i] = new
            text = " ".join(words)
        elif op == "drop":
            cuts = [i for i, ch in enumerate(text) if ch in ",，、。;"]
            spans = [(a, b) for a, b in itertools.pairwise(cuts) if 4 <= b - a <= (20 if dense else 60)]
            if spans:
                a, b = rng.choice(spans)
                text, changed = text[:a] + text[b:], changed + b - a
            else:
                changed += 1
        elif op == "insert":
            credit = _CREDITS.get(lang, "(AP)")
            text, changed = (credit + " " + text, changed + len(credit)) if rng.random() < 0.5 else (
                text + "\n\n" + credit, changed + len(credit))  # fmt: skip
        else:
            digits = [i for i, ch in enumerate(text) if ch.isdigit()]
            if digits:
                i = rng.choice(digits)
                text = text[:i] + str((int(text[i]) + rng.randint(1, 9)) % 10) + text[i + 1 :]
            changed += 1
    return text


def _wmt(data: Path, out: Path, edit: tuple[float, float]) -> Path:
    """The mixed JSONL corpus and its labels (id, dup_group, story, language)."""
    rng = random.Random(16)
    docs: list[dict[str, str]] = []
    for path in sorted(data.glob("wmt_news_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            story = d["id"]
            # "title" is the first paragraph, "text" the rest (empty for some documents; for some it repeats it)
            title, text = d["title"], d["text"]
            body = text if text.startswith(title[:50]) else "\n\n".join(x for x in (title, text) if x)
            docs.append({"id": d["id"], "lang": d["lang"], "title": "", "body": body, "story": story})
            ref = "\n\n".join(x for x in (d.get("ref_title"), d.get("ref_text")) if x)
            if ref:
                docs.append(
                    {"id": d["id"] + ":ref", "lang": d["ref_lang"], "title": "", "body": ref, "story": story}
                )
    donors = defaultdict(str)
    for d in docs:
        donors[d["lang"]] += " " + d["body"][:2000]
    rows, labels = [], []
    for d in docs:
        rows.append({"id": d["id"], "title": d["title"], "body": d["body"], "source": "src-" + d["lang"]})
        labels.append((d["id"], d["id"], d["story"], d["lang"]))
        if rng.random() < 0.5:
            body = _copy(d["body"], d["lang"], donors[d["lang"]], rng, edit)
            rows.append(
                {"id": d["id"] + ":copy", "title": d["title"], "body": body, "source": "wire-" + d["lang"]}
            )
            labels.append((d["id"] + ":copy", d["id"], d["story"], d["lang"]))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    labels_path = out.parent / f"{out.name}-labels.csv"
    pd.DataFrame(labels, columns=["id", "dup_group", "story", "language"]).to_csv(labels_path, index=False)
    return labels_path


def _pairs(groups: pd.Series) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _, ids in groups.groupby(groups):
        out.update(itertools.combinations(sorted(ids.index), 2))
    return out


def _score(out: Path, labels_path: Path, name: str) -> list[dict[str, object]]:
    arts = pd.read_parquet(out / "articles").set_index("article_id")
    if "language" not in arts.columns:  # an output of a version without the column (a baseline)
        arts["language"] = None
    labels = pd.read_csv(labels_path, dtype=str).set_index("id").loc[arts.index]
    predicted, true = _pairs(arts["dup_group_id"]), _pairs(labels["dup_group"])
    lang = labels["language"]
    cross = sum(1 for a, b in predicted if lang[a] != lang[b])
    rows = []
    for code in sorted(lang.unique()):
        p = {(a, b) for a, b in predicted if lang[a] == code == lang[b]}
        t = {(a, b) for a, b in true if lang[a] == code}
        hit = len(p & t)
        prec, rec = hit / len(p) if p else 1.0, hit / len(t) if t else 1.0
        mask = lang == code
        rows.append({
            "corpus": name, "language": code, "articles": int(mask.sum()), "true_pairs": len(t),
            "predicted_pairs": len(p), "precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
            "language_accuracy": round(float((arts.loc[mask, "language"] == code).mean()), 4),
            "cross_language_pairs": cross,
        })  # fmt: skip
    return rows


def _run(inputs: list[str], out: Path, config: Path | None) -> None:
    shutil.rmtree(out, ignore_errors=True)
    args = [sys.executable, "-m", "newsdedup.cli", "run", "--input", *inputs, "--output", str(out), "--quiet"]
    subprocess.run(args + (["--config", str(config)] if config else []), check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = [p / "shared" / "data" / "multilingual" for p in REPO.parents]
    default = next((p for p in shared if p.is_dir()), shared[0])
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--synth", type=int, default=3000, help="synthetic articles (0: none)")
    parser.add_argument("--work", type=Path, default=REPO / "bench-out" / "eval-ml")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--edit", default="0.02,0.10", help="share of characters a copy edits: LO,HI")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    if args.data.is_dir():
        edit = (float(args.edit.split(",")[0]), float(args.edit.split(",")[1]))
        labels = _wmt(args.data, args.work / "wmt", edit)
        _run([str(args.work / "wmt")], args.work / "wmt-out", args.config)
        rows += _score(args.work / "wmt-out", labels, "wmt")
    hand = REPO / "tests" / "data" / "multilingual"
    _run([str(hand / "raw"), str(hand / "feed.jsonl")], args.work / "hand-out", args.config)
    rows += _score(args.work / "hand-out", hand / "labels.csv", "hand")
    if args.synth:
        synth = args.work / "synth"
        shutil.rmtree(synth, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "newsdedup.synth", "--out", str(synth), "--n", str(args.synth),
                        "--languages", "de,es,fr,ja,ru,zh", "--seed", "16"], check=True)  # fmt: skip
        _run([str(synth / "data")], args.work / "synth-out", args.config)
        rows += _score(args.work / "synth-out", synth / "labels.csv", "synth")
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
