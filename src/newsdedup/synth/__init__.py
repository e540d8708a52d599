"""Synthetic news-like corpus with known answers, for benchmarks and end-to-end quality tests.

A *story* (one event) has a few topical words: key nouns and what is specific to it, its people, a town,
an organisation, figures, a date and rare terms, drawn from open-ended pools with Zipf-like use
(specific.py), so stories stay as distinct as real ones and the vocabulary grows with the corpus. Each story
has 1-4 *original* articles written independently (same story label, different dup groups), and each
original has 0-k *syndicated copies* with realistic edits (new headline, trimmed ending, 1-5% of words
changed, an update note, another outlet's layout, published minutes to hours later). Filler text is
drawn from an embedded vocabulary with Zipf-like frequencies; word sampling is vectorised with numpy, and
articles stream to disk, so a corpus of any size is written in bounded memory. A corpus covers
`n_articles / articles_per_day` days (1,500 a day by default, 7 days at least) unless `span_days` is given.

`generate(config)` yields `SynthArticle`s; `write_corpus(out_dir, config, fmt=...)` writes them plus the
ground truth:

    OUT/data/articles-00000.jsonl[.gz]   fmt="jsonl": id, title, body, published_at, author, source, url
    OUT/raw/<outlet>/<shard>/<slug>.txt  fmt="txt": one raw file per article in its outlet's layout
    OUT/labels.csv                       id, dup_group, story (id = record id, or path relative to OUT/raw)
    OUT/fields.jsonl                     fmt="txt" only: the fields a parser should extract from each file

fields.jsonl conventions, per file: `title`; `author` as printed ("A and B" for two writers, null for
the "plain" layout, which credits nobody); `published_at` in UTC as "YYYY-MM-DDTHH:MM:SSZ"; `location` the
dateline place as printed without agency or date ("BRUSSELS, Belgium" in the seed layout, "LONDON" in
wire/tv/plain, null for "wrapped", which has no dateline); `body_first_sentence` (after the dateline)
and `body_last_sentence` (before any footer) as single-spaced text, so hard-wrapped lines are joined.

Txt layouts (LAYOUTS): "seed", "wire", "tv", "wrapped" and "plain", described in render.py. Modules:
words.py and vocab.py (the vocabulary), specific.py (the open-ended pools), prose.py (sampling headlines and bodies), stories.py (planning
stories, originals and copies: `generate`), outlets.py, render.py (.txt layouts), write.py
(`write_corpus`), cli.py (`main`).

The corpus lives in a subfolder so that running the job on it never ingests the answer files.
Command line: `python -m newsdedup.synth --n 20000 --out DIR --format jsonl|txt [--gzip] [--seed 0]`.
"""

from newsdedup.synth.cli import main
from newsdedup.synth.config import SynthArticle, SynthConfig
from newsdedup.synth.outlets import LAYOUTS
from newsdedup.synth.stories import generate
from newsdedup.synth.write import write_corpus

__all__ = ["LAYOUTS", "SynthArticle", "SynthConfig", "generate", "main", "write_corpus"]
