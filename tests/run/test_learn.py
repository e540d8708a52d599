"""Learned boilerplate over the whole run: the text layer's rule, the same result however the run is cut
into tasks, and only the articles that carry a learned line rewritten and sketched again."""

import json
from pathlib import Path

import numpy as np
import pytest

from newsdedup.dedup import compact_digests, sketch_texts
from newsdedup.io.discover import discover
from newsdedup.io.idindex import IdIndex
from newsdedup.io.staging import staged_rows
from newsdedup.params import DedupParams, ParseConfig
from newsdedup.run.collect import Collected, Collector, IdRule, LineKeys
from newsdedup.run.learn import learn_boilerplate, learned_keys
from newsdedup.run.tasks import ChunkSettings, ReadTask, key_hash, process_task
from newsdedup.text.boilerplate import learn_from_keys, line_keys

FOOTER = "Gazette readers fund our reporting on the district."


def _corpus(root: Path) -> None:
    """Four files: 12 Gazette articles ending with a footer the built-in rules do not know, 4 Herald ones."""
    root.mkdir()
    for f in range(4):
        rows = []
        for i in range(4):
            k = 4 * f + i
            source = "Gazette" if k < 12 else "Herald"
            body = f"Council member {k} spoke about the rail yard in ward {k} for an hour.\n\nThe vote is on day {k}."
            if source == "Gazette":
                body += "\n\n" + FOOTER
            rows.append({"id": f"g{k:02d}", "title": f"Plan {k}", "body": body, "source": source})
        (root / f"f{f}.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n")


def _collected(tmp_path: Path, name: str, one_task: bool) -> Collected:
    files, _ = discover([tmp_path / "in"])
    work = tmp_path / name
    work.mkdir()
    settings = ChunkSettings(ParseConfig(), DedupParams(), 5_000_000, str(work))
    tasks = [ReadTask(0, tuple(files))] if one_task else [ReadTask(i, (f,)) for i, f in enumerate(files)]
    collector = Collector(work, IdRule(IdIndex.empty()), np.dtype(np.uint32), DedupParams().num_perm)
    for task in tasks:
        collector.add(process_task(task, settings))
    return collector.finish()


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Collected, Collected]:
    _corpus(tmp_path / "in")
    return _collected(tmp_path, "one", True), _collected(tmp_path, "many", False)


def test_learned_boilerplate_is_the_same_for_one_task_and_many(runs: tuple[Collected, Collected]) -> None:
    (one, many), params = runs, DedupParams()
    a, b = (learn_boilerplate(c, ParseConfig(), params) for c in runs)
    assert a.lines == b.lines == 1
    assert a.removed == b.removed and a.removed["learned"] == 12
    cols = ["article_id", "body", "body_chars", "removed_kinds", "removed_lines", "match_text"]
    rows_a = [r for t in staged_rows(one.parts, cols) for r in t.to_pylist()]
    rows_b = [r for t in staged_rows(many.parts, cols) for r in t.to_pylist()]
    assert rows_a == rows_b
    assert all(FOOTER not in r["body"] for r in rows_a)
    assert [r["removed_kinds"] for r in rows_a] == [["learned=1"]] * 12 + [[]] * 4
    # the sketches are those of the stripped texts, in both runs
    expected = sketch_texts([r["match_text"] for r in rows_a], params)
    for learned in (a, b):
        got = learned.sketches.load()
        assert np.array_equal(got.signatures, expected.signatures)
        assert np.array_equal(got.digests, compact_digests(expected.digests))
        assert np.array_equal(np.asarray(got.hashes), expected.hashes)
        assert np.array_equal(got.offsets, expected.offsets)


def test_the_learned_lines_are_the_text_layers_rule_on_the_bodies(runs: tuple[Collected, Collected]) -> None:
    one, _ = runs
    bodies = [r["body"] for t in staged_rows(one.parts, ["body"]) for r in t.to_pylist()]
    by_source = {"source:Gazette": bodies[:12], "source:Herald": bodies[12:]}
    keys = {g: [line_keys(b) for b in bodies] for g, bodies in by_source.items()}
    expected = learn_from_keys(keys, min_docs=5, min_fraction=0.3)
    got = learned_keys(one.keys, ParseConfig())
    assert {one.keys.groups[c]: h for c, h in got.items()} == {
        g: frozenset(key_hash(k) for k in lines) for g, lines in expected.items() if lines
    }


def test_nothing_changes_when_learning_is_off(runs: tuple[Collected, Collected]) -> None:
    one, _ = runs
    learned = learn_boilerplate(one, ParseConfig(learned_boilerplate=False), DedupParams())
    assert learned.lines == 0 and learned.sketches is one.sketches and learned.removed == one.removed


@pytest.mark.parametrize("seed", range(5))
def test_screening_in_arrays_gives_what_the_rule_gives_on_every_article(seed: int) -> None:
    """learned_keys hands learn_from_keys only the articles carrying a line that recurs min_docs times;
    the result equals handing it every article's keys."""
    rng = np.random.default_rng(seed)
    n, n_groups = 300, 4
    codes = rng.integers(0, n_groups, n)
    per_doc = [np.unique(rng.geometric(0.15, rng.integers(0, 6))).astype(np.uint64) for _ in range(n)]
    keys = LineKeys(
        groups=[f"g{c}" for c in range(n_groups)],
        codes=codes,
        offsets=np.r_[0, np.cumsum([len(k) for k in per_doc])].astype(np.int64),
        hashes=np.concatenate(per_doc),
    )
    parse = ParseConfig(
        learned_min_docs=int(rng.integers(2, 12)), learned_min_fraction=float(rng.uniform(0.05, 0.5))
    )
    every: dict[str, list[frozenset[str]]] = {g: [] for g in keys.groups}
    for c, k in zip(codes.tolist(), per_doc, strict=True):
        every[f"g{c}"].append(frozenset(map(str, k.tolist())))
    rule = learn_from_keys(every, min_docs=parse.learned_min_docs, min_fraction=parse.learned_min_fraction)
    expected = {int(g[1:]): frozenset(int(k) for k in v) for g, v in rule.items() if v}
    assert learned_keys(keys, parse) == expected
