"""Real news pages re-published in another site's template: are the two grouped, and nothing else?

    .venv/bin/python benchmarks/bench_html_templates.py [--data ../shared/data] [--work bench-out/templates]

For every page of ``html_pages/test-pages`` (Readability's fixtures: ``source.html`` as captured and
``expected.html``, the article alone), it writes the captured page as ``orig/<name>.html`` and a copy
``copy/<name>.html``: the expected article inside a different site's template (its own header and navigation,
a sidebar of five other pages' headlines, a footer with a copyright line and sharing links), as an aggregator
or syndication partner re-publishes a story. Then ``newsdedup run`` over both folders and pairwise precision,
recall and F1 of the duplicate groups against "each original with its copy", for all pages and for the pages
whose article has at least 150 words (the small synthetic fixtures of the set are a few lines of lorem ipsum).

Several fixtures hold the same article (``lifehacker-working`` and ``lifehacker-post-comment-load``; a
fixture cut from a real page): two pages are one truth group when their expected articles share word
5-grams with Jaccard >= 0.8 or the shorter is >= 0.8 contained in the longer (the job's containment rule), so
grouping them is not counted as an error.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Partner Wire</title>
<meta property="og:site_name" content="The Partner Wire"></head>
<body>
<header><a href="/">The Partner Wire</a>
<nav><a href="/world">World</a> <a href="/business">Business</a> <a href="/tech">Tech</a>
<a href="/sport">Sport</a> <a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{title}</h1>
<p class="byline">Syndicated story</p>
{article}
<p>Share this story: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></p>
</article>
<aside><h2>More stories</h2><ul>{related}</ul></aside></main>
<footer><p>Copyright 2026 The Partner Wire. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/contact">Contact us</a></p></footer>
</body></html>
"""

_TAG = re.compile(r"<[^>]+>")


def _words(fragment: str) -> int:
    return len(html.unescape(_TAG.sub(" ", fragment)).split())


def _shingles(fragment: str) -> set[str]:
    toks = re.sub(r"\W+", " ", html.unescape(_TAG.sub(" ", fragment)).lower()).split()
    return {" ".join(toks[i : i + 5]) for i in range(max(len(toks) - 4, 1))} if toks else set()


def _truth_groups(articles: dict[str, str]) -> dict[str, str]:
    """page -> truth group: pages whose expected articles are the same text (see the module) are one."""
    sh = {k: _shingles(v) for k, v in articles.items()}
    parent = {k: k for k in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    names = sorted(articles)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            inter = len(sh[a] & sh[b])
            small = min(len(sh[a]), len(sh[b])) or 1
            if inter / (len(sh[a] | sh[b]) or 1) >= 0.8 or inter / small >= 0.8:
                parent[find(b)] = find(a)
    return {k: find(k) for k in names}


def build(data: Path, work: Path) -> tuple[Path, pd.DataFrame]:
    """The corpus folder and the labels (id, dup_group, words)."""
    pages = sorted(
        p for p in (data / "html_pages" / "test-pages").iterdir() if (p / "expected.html").exists()
    )
    titles = {}
    for p in pages:
        meta_path = p / "expected-metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        titles[p.name] = meta.get("title") or p.name.replace("-", " ")
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    (corpus / "orig").mkdir(parents=True)
    (corpus / "copy").mkdir(parents=True)
    rows = []
    expected = {p.name: (p / "expected.html").read_text(encoding="utf-8", errors="replace") for p in pages}
    truth = _truth_groups(expected)
    for i, p in enumerate(pages):
        article = expected[p.name]
        others = [pages[(i + k) % len(pages)].name for k in range(1, 6)]
        related = "".join(f'<li><a href="/{o}">{html.escape(titles[o])}</a></li>' for o in others)
        page = TEMPLATE.format(title=html.escape(titles[p.name]), article=article, related=related)
        shutil.copyfile(p / "source.html", corpus / "orig" / f"{p.name}.html")
        (corpus / "copy" / f"{p.name}.html").write_text(page, encoding="utf-8")
        for side in ("orig", "copy"):
            rows.append({"id": f"{side}/{p.name}.html", "dup_group": truth[p.name], "words": _words(article)})
    return corpus, pd.DataFrame(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--work", type=Path, default=Path("bench-out/templates"))
    args = ap.parse_args()
    corpus, labels = build(args.data, args.work)
    out = args.work / "out"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "newsdedup.cli",
        "run",
        "--quiet",
        "--input",
        str(corpus),
        "--output",
        str(out),
    ]
    subprocess.run(cmd, check=True)
    from newsdedup.metrics import pairwise_prf

    articles = pd.read_parquet(out / "articles", columns=["article_id", "dup_group_id"])
    merged = labels.merge(articles, left_on="id", right_on="article_id", how="left")
    for name, part in (("all pages", merged), ("articles of 150+ words", merged[merged["words"] >= 150])):
        found = part.dropna(subset=["dup_group_id"])
        p, r, f = pairwise_prf(found["dup_group_id"].tolist(), found["dup_group"].tolist())
        sides = found.assign(side=found["id"].str.split("/").str[0], page=found["id"].str.split("/").str[1])
        table = sides.pivot(index="page", columns="side", values="dup_group_id")
        together = int((table["orig"] == table["copy"]).sum())
        print(
            f"{name}: {len(part) // 2} originals with copies, {len(part) - len(found)} not accepted; "
            f"copy grouped with its original {together}/{len(table)}; "
            f"pairwise precision {p:.4f} recall {r:.4f} F1 {f:.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
