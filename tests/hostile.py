"""A folder of hostile inputs with known outcomes, for reader and end-to-end tests.

`write_hostile_corpus(root)` writes the corpus and returns the expected totals when the whole folder is
given as one input (`discover([root])` then `tests.io.reference.read_all`) with max_article_bytes
between 4096 and 5_000_000 (the default). `HOSTILE_FILES` lists every file with the outcomes expected for it, in record
order, so tests can reconcile per file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections import Counter
from pathlib import Path

ACCEPTED = "accepted"

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HUGE_TXT_BYTES = 5_000_001  # one byte over the default max_article_bytes; written sparse, never read


def _jsonl(*objs: object) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


def _parquet_bytes() -> bytes:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": pa.array([101, 102, None], pa.int64()),
            "title": ["Parquet one", "Parquet two", "Parquet three"],
            "body": ["First parquet body.", "Second parquet body.", "Third parquet body."],
            "published_at": pa.array(
                [dt.datetime(2024, 11, 18, 4, 55), None, dt.datetime(2024, 11, 19, 6, 0)], pa.timestamp("s")
            ),
            "extra": [1, 2, 3],
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _truncated_gz() -> bytes:
    # A complete first gzip member with two lines, then a second member cut after its header:
    # the two lines are readable, the rest is one "truncated" reject.
    first = gzip.compress(
        _jsonl({"id": "gz1", "body": "Gzip body one."}, {"id": "gz2", "body": "Gzip body two."})
    )
    second = gzip.compress(_jsonl(*({"id": f"lost{i}", "body": "never read"} for i in range(50))))
    return first + second[:20]


_JSONL_MAIN = b"".join(
    [
        _jsonl({"id": "j1", "title": "JSON one", "body": "Body one.", "published_at": "2024-11-18"}),  # 1
        _jsonl({"title": "No id", "text": "Body from the text field."}),  # 2 -> id jsonl/articles.jsonl:2
        b'{"id": "broken", "body": \n',  # 3 malformed_json
        b"[1, 2, 3]\n",  # 4 not_an_object
        b"42\n",  # 5 not_an_object
        _jsonl({"id": "t", "title": 5, "body": "Title is a number."}),  # 6 wrong_type
        _jsonl({"id": "m", "author": "No title, no body"}),  # 7 missing_text
        _jsonl({"id": "e", "title": " ", "body": "  "}),  # 8 missing_text (blank title and body)
        b"\n",  # 9 blank line: not a record
        b'{"id": "c", "body": "caf\xe9 costs \xa35, it\x92s fine"}\n',  # 10 cp1252 line, accepted
        _jsonl({"id": "p", "body": "Bad date type.", "published_at": [2024]}),  # 11 accepted, flagged
        _jsonl({"id": 7, "body": "Integer id."}),  # 12 accepted as "7"
        b'{"id": "nul", "body": "x"}\x00\n',  # 13 binary
    ]
)

_CSV_MAIN = (
    b"id,title,body,published_at,extra\r\n"
    b"c1,CSV one,First CSV body.,2024-11-18,x\r\n"  # row 1
    b",CSV no id,Body of a row without id.,,\r\n"  # row 2 -> id csv/rows.csv:2
    b"c3,Too many,fields,here,x,y,z\r\n"  # row 3 malformed_csv
    b"c4,,,,\r\n"  # row 4 missing_text (no title, no body)
    b'c5,Multi line,"Line one.\r\nLine two.",,\r\n'  # row 5 accepted, quoted line break
    b"c6,Too few\r\n"  # row 6 malformed_csv
)

# path relative to the corpus root -> (bytes, expected outcomes in record order)
HOSTILE_FILES: dict[str, tuple[bytes, list[str]]] = {
    "txt/good.txt": (b"A good title\n\nA good body about the news.\n", [ACCEPTED]),
    "txt/cp1252.txt": ("Prices rise to £5\n\nIt’s a café story.\n".encode("cp1252"), [ACCEPTED]),
    "txt/bom.txt": (b"\xef\xbb\xbfBOM title\n\nBOM body.\n", [ACCEPTED]),
    "txt/crlf.txt": (b"CRLF title\r\n\r\nCRLF body line one.\r\nLine two.\r\n", [ACCEPTED]),
    "txt/empty.txt": (b"", ["empty"]),
    "txt/blank.txt": (b"  \n\t\r\n   \n", ["empty"]),
    "txt/image.txt": (PNG_HEADER, ["binary"]),
    "txt/undecodable.txt": (bytes(range(0x80, 0x100)) * 4, ["undecodable"]),
    "jsonl/articles.jsonl": (
        _JSONL_MAIN,
        [
            ACCEPTED,
            ACCEPTED,
            "malformed_json",
            "not_an_object",
            "not_an_object",
            "wrong_type",
            "missing_text",
            "missing_text",
            ACCEPTED,
            ACCEPTED,
            ACCEPTED,
            "binary",
        ],
    ),
    "jsonl/more.ndjson": (
        _jsonl({"id": "j1", "body": "Same id as the first file."}, {"id": "j2", "body": "New id."}),
        ["duplicate_id", ACCEPTED],
    ),
    "jsonl/good.jsonl.gz": (gzip.compress(_jsonl({"id": "z1", "body": "Zipped."})), [ACCEPTED]),
    "jsonl/trunc.jsonl.gz": (_truncated_gz(), [ACCEPTED, ACCEPTED, "truncated"]),
    "csv/rows.csv": (
        _CSV_MAIN,
        [ACCEPTED, ACCEPTED, "malformed_csv", "missing_text", ACCEPTED, "malformed_csv"],
    ),
    "csv/cp1252.csv": ("id,body\nw1,Costs £5 – it’s dear\n".encode("cp1252"), [ACCEPTED]),
    "parquet/good.parquet": (_parquet_bytes(), [ACCEPTED, ACCEPTED, ACCEPTED]),
    "parquet/corrupt.parquet": (b"PAR1" + b"\x07" * 100 + b"PAR1", ["unreadable"]),
}

# path relative to the corpus root -> expected skip reason
HOSTILE_SKIPPED: dict[str, str] = {
    "notes.pdf": "unsupported_extension",
    "README.md": "unsupported_extension",
    ".DS_Store": "hidden",
    ".cache": "hidden",  # a hidden folder is skipped whole
    "txt/loop": "already_visited",  # symlink to its own parent folder
}


def write_hostile_corpus(root: Path) -> dict[str, int]:
    """Write the corpus under `root`; returns expected counts.

    Keys: "accepted", "rejected", "skipped", and one key per reject or skip reason with its count.
    """
    root.mkdir(parents=True, exist_ok=True)
    for rel, (data, _) in HOSTILE_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with open(root / "txt" / "huge.txt", "wb") as fh:
        fh.truncate(HUGE_TXT_BYTES)  # sparse: stat says 5 MB, no 5 MB written
    (root / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "README.md").write_text("# not an article\n")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / ".cache").mkdir(exist_ok=True)
    (root / ".cache" / "x.txt").write_text("hidden article\n")
    os.symlink("..", root / "txt" / "loop", target_is_directory=True)

    counts: Counter[str] = Counter()
    for _, outcomes in HOSTILE_FILES.values():
        for outcome in outcomes:
            counts["accepted" if outcome == ACCEPTED else "rejected"] += 1
            if outcome != ACCEPTED:
                counts[outcome] += 1
    counts["rejected"] += 1
    counts["too_large"] += 1  # txt/huge.txt
    for reason in HOSTILE_SKIPPED.values():
        counts["skipped"] += 1
        counts[reason] += 1
    return dict(counts)


def expected_per_file() -> dict[str, list[str]]:
    """Expected outcomes per file (relative path), in record order, including txt/huge.txt."""
    out = {rel: list(outcomes) for rel, (_, outcomes) in HOSTILE_FILES.items()}
    out["txt/huge.txt"] = ["too_large"]
    return out
