"""The generator's multilingual mode: scripts, copies grouped, the same seed the same corpus."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from newsdedup.errors import ConfigError
from newsdedup.synth import SynthConfig, generate, write_corpus
from newsdedup.synth.cli import main
from newsdedup.text.language import script_language


def test_every_language_written_in_its_script_with_copies() -> None:
    config = SynthConfig(n_articles=120, seed=5, languages=("de", "ru", "zh", "ja"), mean_bytes=800)
    corpus = list(generate(config))
    assert len(corpus) == 120 and corpus == list(generate(config))
    assert set(Counter(a.language for a in corpus)) == {"de", "ru", "zh", "ja"}
    for a in corpus:
        if a.language in ("zh", "ja"):
            assert " " not in a.body and script_language(a.body, len(a.body)) == a.language
        elif a.language == "ru":
            assert sum("а" <= ch <= "я" for ch in a.body) > len(a.body) / 2
    groups = Counter(a.dup_group for a in corpus)
    copies = [a for a in corpus if a.is_copy]
    assert copies and all(groups[a.dup_group] >= 2 for a in copies)
    assert all(len({a.language for a in corpus if a.story == s}) == 1 for s in {a.story for a in corpus})


def test_labels_name_the_language_and_the_cli_takes_languages(tmp_path: Path) -> None:
    assert (
        main(["--n", "30", "--out", str(tmp_path / "c"), "--languages", "fr,es", "--mean-bytes", "600"]) == 0
    )
    with open(tmp_path / "c" / "labels.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30 and {r["language"] for r in rows} <= {"fr", "es"}
    write_corpus(tmp_path / "txt", SynthConfig(n_articles=5, languages=("ja",)), fmt="txt")
    assert len(list((tmp_path / "txt" / "raw").rglob("*.txt"))) == 5


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ConfigError, match="languages"):
        SynthConfig(languages=("xx",))
