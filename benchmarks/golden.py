"""Golden outputs: run the whole job on fixed corpora and record every table, so a refactor can prove that
it changed nothing.

    .venv/bin/python benchmarks/golden.py record --out bench-out/golden/before
    .venv/bin/python benchmarks/golden.py record --out bench-out/golden/after
    .venv/bin/python benchmarks/golden.py compare bench-out/golden/before bench-out/golden/after

`record` runs the CLI (a subprocess, as a user runs it) on each corpus and writes, per corpus and table, a
canonical JSON-lines dump: rows sorted, columns that name a run or a moment (`run_id`, `seen_at`) and
absolute paths dropped. The manifest is kept without its timings, memory peaks, start and end times, host,
pid, argv, versions, output folder and input paths. `compare` reports every dump that differs and exits 1
if any does.

Corpora: the bundled sample (one run, and the same inputs as two incremental runs), the synthetic raw
layouts (1,600 .txt files, seeds 21 and 22), a 20,000-article synthetic JSONL corpus and, when
../shared/data is present, BBC (raw .txt) and BASIL (JSONL, built as in eval_shared.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "newsdedup" / "sample"
# ../shared/data beside the checkout (or beside a parent folder, for a git worktree)
SHARED = next(
    (p / "shared" / "data" for p in REPO.parents if (p / "shared" / "data").is_dir()),
    REPO.parent / "shared" / "data",
)
TABLES = (
    "articles",
    "duplicates",
    "rejects",
    "topics",
    "themes",
    "state/history.parquet",
    "state/history_text.parquet",
    "state/ledger.parquet",
    "state/themes.parquet",
)
DROP_COLUMNS = {"run_id", "seen_at", "path", "root"}
DROP_MANIFEST = {"run_id", "started_at", "finished_at", "output", "argv", "host", "pid", "versions"}


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "newsdedup.cli", *args, "--quiet"], check=True)


def _synth(work: Path, name: str, *args: str) -> Path:
    out = work / "corpora" / name
    if not (out / "labels.csv").exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "newsdedup.synth", "--out", str(out), *args], check=True)
    return out


def _basil(work: Path) -> Path:
    out = work / "corpora" / "basil"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "articles.jsonl"
    if not path.exists():
        with open(path, "w", encoding="utf-8") as fh:
            for p in sorted((SHARED / "basil" / "articles").glob("*/*.json")):
                a = json.loads(p.read_text(encoding="utf-8"))
                body = "\n\n".join(" ".join(par) for par in a["body-paragraphs"])
                rec = {"id": a["uuid"], "title": a["title"], "body": body, "published_at": a["date"]}
                rec["source"] = a["source"].lower()
                fh.write(json.dumps(rec) + "\n")
    return path


def _runs(work: Path) -> dict[str, Callable[[Path], list[list[str]]]]:
    """Corpus name -> a function giving the input lists of its consecutive runs."""
    runs: dict[str, Callable[[Path], list[list[str]]]] = {
        "sample": lambda _: [[str(SAMPLE / "raw"), str(SAMPLE / "feed.jsonl")]],
        "sample_incremental": lambda _: [[str(SAMPLE / "raw")], [str(SAMPLE / "feed.jsonl")]],
        "synth21": lambda w: [
            [str(_synth(w, "synth21", "--n", "1600", "--format", "txt", "--seed", "21") / "raw")]
        ],
        "synth22": lambda w: [
            [str(_synth(w, "synth22", "--n", "1600", "--format", "txt", "--seed", "22") / "raw")]
        ],
        "bench20k": lambda w: [[str(_synth(w, "bench20k", "--n", "20000", "--format", "jsonl") / "data")]],
    }
    if SHARED.is_dir():
        runs["bbc"] = lambda _: [[str(SHARED / "bbc")]]
        runs["basil"] = lambda w: [[str(_basil(w))]]
    return runs


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _dump_table(path: Path, dest: Path) -> None:
    table = pq.read_table(path)
    keep = [c for c in table.column_names if c not in DROP_COLUMNS]
    rows = [
        json.dumps(_canonical(r), sort_keys=True, ensure_ascii=False) for r in table.select(keep).to_pylist()
    ]
    header = json.dumps({"columns": keep, "types": [str(table.schema.field(c).type) for c in keep]})
    dest.write_text("\n".join([header, *sorted(rows)]) + "\n", encoding="utf-8")


def _dump_manifest(out: Path, dest: Path) -> None:
    manifests = sorted((out / "runs").glob("*.json"))
    docs = []
    for m in manifests:
        doc = json.loads(m.read_text(encoding="utf-8"))
        for key in DROP_MANIFEST:
            doc.pop(key, None)
        for entry in doc.get("inputs", []):
            entry.pop("path", None)
            entry.pop("id_root", None)
        for step in doc.get("steps", {}).values():
            for key in [k for k in step if "seconds" in k or k.startswith("peak_")]:
                step.pop(key)
        docs.append(_canonical(doc))
    dest.write_text(json.dumps(docs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def record(out_dir: Path, work: Path, only: list[str] | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, inputs_of in _runs(work).items():
        if only and name not in only:
            continue
        out = work / "runs" / name
        shutil.rmtree(out, ignore_errors=True)
        for inputs in inputs_of(work):
            _cli("run", "--input", *inputs, "--output", str(out))
        for table in TABLES:
            if not (out / table).exists():  # a version before the table existed (themes)
                continue
            _dump_table(out / table, out_dir / f"{name}.{table.replace('/', '.')}.jsonl")
        _dump_manifest(out, out_dir / f"{name}.manifest.json")
        print(f"recorded {name}", flush=True)


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differ = [
        n
        for n in names
        if not (a / n).exists() or not (b / n).exists() or (a / n).read_bytes() != (b / n).read_bytes()
    ]
    for n in differ:
        print(f"differs: {n}")
    print(f"{len(names) - len(differ)} of {len(names)} dumps identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("--out", type=Path, required=True)
    rec.add_argument("--work", type=Path, default=REPO / "bench-out" / "golden-work")
    rec.add_argument("--only", nargs="*")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.out, args.work, args.only)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
