"""A tiny hand-made corpus with known answers for the report: one duplicate group with a copy just above
the dedup threshold, a pair of different articles just below it, and articles whose headline, body,
source and url carry script payloads that must never run in the report.

The texts are made of invented words (so no two stories share shingles by chance); a copy is the original
with chosen words replaced, which sets its word 5-gram Jaccard: every replaced word, five or more words from
the next, removes five shared shingles. With 120 words (116 shingles): 3 replaced words give Jaccard 0.77,
7 give 0.54 (just above 0.5), 9 give 0.44 (just below, within 0.1).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

# a payload sets a window flag: the browser test asserts it stays unset
XSS_TITLE = '<img src=x onerror="window.__xss=1"> Harbour <script>window.__xss=2</script> fire'
XSS_BODY_TAIL = "<script>window.__xss=3</script> and </script><svg onload=window.__xss=4>"
XSS_SOURCE = "<b onmouseover=window.__xss=5>Evil Wire</b>"
XSS_URL = "javascript:window.__xss=6"

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tu",
    "sa",
    "vor",
    "el",
    "di",
    "an",
    "pe",
    "qu",
    "zo",
    "bri",
    "fen",
    "ul",
]


def words(seed: int, n: int = 120) -> list[str]:
    """``n`` invented words, the same for the same seed."""
    rng = random.Random(seed)
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def edited(base: list[str], n_edits: int, seed: int) -> list[str]:
    """``base`` with ``n_edits`` words replaced, ten words apart, starting at word 5."""
    out = list(base)
    fresh = words(10_000 + seed, n_edits)
    for i in range(n_edits):
        out[5 + 10 * i] = fresh[i]
    return out


def _record(
    rid: str, title: str, body: list[str] | str, source: str, day: int, hour: int, **extra: Any
) -> dict[str, Any]:
    return {
        "id": rid,
        "title": title,
        "body": body if isinstance(body, str) else " ".join(body),
        "source": source,
        "published_at": f"2025-03-{day:02d}T{hour:02d}:00:00Z",
        "url": extra.get("url", f"https://news.example/{rid}"),
    }


def first_batch() -> list[dict[str, Any]]:
    """Run 1: group A (original, close copy, copy just above the threshold), pair B just below, singles."""
    a, b, xss = words(1), words(2), words(3)
    return [
        _record("a1", "Tide mill reopens after repairs", a, "Harbour Times", 3, 8),
        _record("a2", "Tide mill reopens", edited(a, 3, 1), "Valley Post", 3, 10),
        _record("a3", "Old tide mill back in business", edited(a, 7, 2), "Coast Wire", 4, 9),
        _record("b1", "Ferry timetable changes for spring", b, "Harbour Times", 4, 7),
        _record("b2", "Spring ferry timetable", edited(b, 9, 3), "Valley Post", 5, 7),
        _record("x1", XSS_TITLE, " ".join(xss) + " " + XSS_BODY_TAIL, XSS_SOURCE, 5, 12, url=XSS_URL),
        _record("x2", XSS_TITLE, edited(xss, 2, 4), "Coast Wire", 5, 13, url="data:text/html,<b>x</b>"),
        *(
            _record(f"s{i}", f"Single story {i}", words(100 + i), "Coast Wire", 3 + i % 3, 6)
            for i in range(4)
        ),
    ]


def second_batch() -> list[dict[str, Any]]:
    """Run 2: one more copy of A and two singles, so the output has two runs."""
    a = words(1)
    return [
        _record("a4", "Tide mill reopens to visitors", edited(a, 2, 5), "Inland Echo", 6, 9),
        *(_record(f"t{i}", f"Later story {i}", words(200 + i), "Inland Echo", 6, 11) for i in range(2)),
    ]


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
