"""Quality of the whole job on the labelled sets in ../shared/data, through the CLI (`newsdedup evaluate`).

    .venv/bin/python benchmarks/eval_shared.py [--data ../shared/data] [--work bench-out/eval]

- BASIL (100 events x 3 outlets): written to JSONL; labels: story = event, dup_group = the article itself
  (no two BASIL articles are copies), so duplicate precision must be 1.0.
- BASIL short: title + first two paragraphs, the short lead-paragraph setting.
- BBC (2,225 .txt files, read as raw layout): silver near-duplicate pairs (Jaccard >= 0.8) as dup_group labels.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path


def _basil(data: Path, out: Path, short: bool) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    rows, labels = [], []
    for path in sorted((data / "basil" / "articles").glob("*/*.json")):
        a = json.loads(path.read_text(encoding="utf-8"))
        paras = [" ".join(p) for p in a["body-paragraphs"]]
        body = "\n\n".join(paras[:2] if short else paras)
        rows.append(
            {
                "id": a["uuid"],
                "title": a["title"],
                "body": body,
                "published_at": a["date"],
                "source": a["source"].lower(),
            }
        )
        labels.append({"id": a["uuid"], "dup_group": a["uuid"], "story": a["triplet-uuid"]})
    with open(out / "articles.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    with open(out.parent / f"{out.name}-labels.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["id", "dup_group", "story"])
        w.writeheader()
        w.writerows(labels)
    return out.parent / f"{out.name}-labels.csv"


def _bbc_labels(data: Path, work: Path) -> Path:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    with open(data / "bbc" / "bbc_exact_jaccard_pairs_silver.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if float(row["jaccard_word5gram"]) >= 0.8:
                parent[find(row["doc_a"])] = find(row["doc_b"])
    ids = [f"{p.parent.name}/{p.name}" for p in sorted((data / "bbc").glob("*/*.txt"))]
    path = work / "bbc-labels.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "dup_group"])
        for i in ids:
            w.writerow([i, find(i) if i in parent else i])
    return path


def _run(inputs: list[str], out: Path, labels: Path) -> dict[str, object]:
    shutil.rmtree(out, ignore_errors=True)
    exe = [sys.executable, "-m", "newsdedup.cli"]
    subprocess.run([*exe, "run", "--input", *inputs, "--output", str(out), "--quiet"], check=True)
    res = subprocess.run(
        [*exe, "evaluate", "--output", str(out), "--labels", str(labels), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(res.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--work", type=Path, default=Path("bench-out/eval"))
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    for name, short in (("basil", False), ("basil-short", True)):
        labels = _basil(args.data, args.work / name, short)
        report = _run([str(args.work / name)], args.work / f"{name}-out", labels)
        print(name, json.dumps({k: report[k] for k in ("matched", "duplicates", "topics")}))
    bbc_inputs = [str(args.data / "bbc" / "*" / "*.txt")]
    report = _run(bbc_inputs, args.work / "bbc-out", _bbc_labels(args.data, args.work))
    print("bbc", json.dumps({k: report[k] for k in ("matched", "duplicates")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
