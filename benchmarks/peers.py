"""Dedup-only peers, each run as a whole process the way its users run it, on a JSONL corpus.

    .venv/bin/python benchmarks/peers.py datasketch CORPUS_DIR OUT.csv
    .venv/bin/python benchmarks/peers.py rensa CORPUS_DIR OUT.csv

Both read every ``*.jsonl`` under ``CORPUS_DIR/data`` (fields ``id``, ``title``, ``body``), normalise the text
the way a hand-written script does (lower case, non-word characters to spaces), build word 5-gram shingles,
and group near-duplicates at Jaccard 0.5 with 128 permutations:

- ``datasketch``: the recipe of benchmarks/reference.py (``MinHash`` per document, ``MinHashLSH`` insert then
  query, union-find over the query results);
- ``rensa``: its documented usage (``RMinHash`` per document updated with the shingle list,
  ``RMinHashLSH(threshold, num_perm, num_bands)`` insert then query, each candidate confirmed with
  ``RMinHash.jaccard`` against the threshold, union-find).

They write ``id,group`` rows to OUT.csv. benchmarks/bench.py ``--peers`` times them beside ``newsdedup run``,
each as its own process, and scores their groups against the generator's labels. Nothing of newsdedup is
imported here, so a peer's process pays only its own start-up.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

THRESHOLD = 0.5
NUM_PERM = 128
SHINGLE = 5

_NON_WORD = re.compile(r"\W+")


def read_corpus(folder: Path) -> tuple[list[str], list[str]]:
    """(ids, texts) of the corpus's JSONL records, title and body joined."""
    ids: list[str] = []
    texts: list[str] = []
    for path in sorted((folder / "data").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                ids.append(str(rec["id"]))
                texts.append(f"{rec.get('title') or ''}\n{rec.get('body') or ''}")
    return ids, texts


def shingles(text: str) -> list[str]:
    """Distinct word 5-grams of the lower-cased text (a shorter text is one shingle)."""
    toks = _NON_WORD.sub(" ", text.lower()).split()
    if len(toks) < SHINGLE:
        return [" ".join(toks)] if toks else []
    return list({" ".join(toks[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)})


def union_find(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


def datasketch_groups(texts: list[str]) -> list[int]:
    import xxhash
    from datasketch import MinHash, MinHashLSH

    sketches = []
    for text in texts:
        m = MinHash(num_perm=NUM_PERM, hashfunc=xxhash.xxh32_intdigest)
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        sketches.append(m)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, m in enumerate(sketches):
        lsh.insert(i, m)
    pairs = [(i, j) for i, m in enumerate(sketches) for j in lsh.query(m) if j != i]
    return union_find(len(texts), pairs)


def rensa_groups(texts: list[str]) -> list[int]:
    from rensa import RMinHash, RMinHashLSH

    sketches = []
    for text in texts:
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update(shingles(text))
        sketches.append(m)
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=32)
    for i, m in enumerate(sketches):
        lsh.insert(i, m)
    pairs = [
        (i, j)
        for i, m in enumerate(sketches)
        for j in lsh.query(m)
        if j != i and m.jaccard(sketches[j]) >= THRESHOLD
    ]
    return union_find(len(texts), pairs)


PEERS = {"datasketch": datasketch_groups, "rensa": rensa_groups}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in PEERS:
        print(__doc__, file=sys.stderr)
        return 2
    ids, texts = read_corpus(Path(argv[1]))
    groups = PEERS[argv[0]](texts)
    with open(argv[2], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "group"])
        w.writerows(zip(ids, groups, strict=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
