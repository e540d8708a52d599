"""Learned boilerplate over the whole run, applied to the articles already read and sketched.

A short line is boilerplate for an outlet when enough of its articles carry it
(:func:`newsdedup.text.boilerplate.learn_from_keys`), so learning needs the whole run. The read tasks parse
without it and send each article's short-line keys, hashed; here the keys of the whole run are counted, and
only the articles that carry a learned line are stripped again, their staged rows rewritten and their
sketches made again. The result is the same as parsing the whole run in memory with the learned lines known.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from newsdedup.dedup import compact_digests, sketch_texts
from newsdedup.io.staging import STAGE_SCHEMA, read_stage, write_stage
from newsdedup.params import DedupParams, ParseConfig
from newsdedup.run.articles import article_from_row, kinds_list
from newsdedup.run.collect import Collected, LineKeys, StagedSketches
from newsdedup.run.tasks import key_hash
from newsdedup.text.boilerplate import learn_from_keys, line_keys, strip_learned
from newsdedup.text.normalize import matching_text

__all__ = ["Learned", "learn_boilerplate", "learned_keys"]

_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Learned:
    """What learning changed: the number of learned (outlet, line) pairs, the sketches with the stripped
    articles sketched again, and the lines removed per kind (learned ones included)."""

    lines: int
    sketches: StagedSketches
    removed: Counter[str]


def learn_boilerplate(collected: Collected, parse: ParseConfig, dedup: DedupParams) -> Learned:
    """Learn boilerplate over the run's articles and strip it from those that carry it (see the module
    docstring); nothing changes when learning is off or nothing recurs often enough."""
    unchanged = Learned(0, collected.sketches, Counter(collected.removed))
    if not parse.learned_boilerplate or not len(collected.light):
        return unchanged
    learned = learned_keys(collected.keys, parse)
    if not learned:
        return unchanged
    affected = _carriers(collected.keys, learned)
    match, dropped = _strip(collected.parts, affected, collected.keys.codes, learned, parse)
    removed = Counter(collected.removed)
    if len(affected):
        removed["learned"] += dropped
    sketches = _resketch(collected.sketches, match, dedup)
    return Learned(sum(len(v) for v in learned.values()), sketches, removed)


def _combine(key_hashes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """One 64-bit key per (group, line key)."""
    with np.errstate(over="ignore"):
        return key_hashes ^ ((codes.astype(np.uint64) + np.uint64(1)) * _MIX)


def learned_keys(keys: LineKeys, parse: ParseConfig) -> dict[int, frozenset[int]]:
    """Group code -> the key hashes learned for it (groups that learned nothing left out).

    The rule is :func:`~newsdedup.text.boilerplate.learn_from_keys`'. A line carried by fewer than
    ``learned_min_docs`` articles of its group is never learned, so only the articles carrying one of the
    other lines are handed to it (counted in arrays first), with empty key sets standing for the rest of
    their group: the same result as handing it every article, without a set per article."""
    if not len(keys.hashes):
        return {}
    doc = np.repeat(np.arange(len(keys.codes), dtype=np.int64), np.diff(keys.offsets))
    combo = _combine(keys.hashes, keys.codes[doc])
    uniq, counts = np.unique(combo, return_counts=True)
    pos = np.flatnonzero(np.isin(combo, uniq[counts >= parse.learned_min_docs]))
    if not len(pos):
        return {}
    docs = doc[pos]
    cut = np.flatnonzero(np.diff(docs)) + 1
    group_n = np.bincount(keys.codes, minlength=len(keys.groups))
    by_group: dict[str, list[frozenset[str]]] = {}
    for d, hashes in zip(docs[np.r_[0, cut]].tolist(), np.split(keys.hashes[pos], cut), strict=True):
        by_group.setdefault(keys.groups[int(keys.codes[d])], []).append(frozenset(map(str, hashes.tolist())))
    code_of = {g: c for c, g in enumerate(keys.groups)}
    for group, sets in by_group.items():
        sets.extend([frozenset()] * (int(group_n[code_of[group]]) - len(sets)))
    learned = learn_from_keys(
        by_group, min_docs=parse.learned_min_docs, min_fraction=parse.learned_min_fraction
    )
    return {code_of[g]: frozenset(int(k) for k in lines) for g, lines in learned.items() if lines}


def _carriers(keys: LineKeys, learned: dict[int, frozenset[int]]) -> np.ndarray:
    """The articles (sorted positions) that carry a learned line of their group."""
    doc = np.repeat(np.arange(len(keys.codes), dtype=np.int64), np.diff(keys.offsets))
    combo = _combine(keys.hashes, keys.codes[doc])
    wanted = np.concatenate(
        [_combine(np.array(sorted(h), dtype=np.uint64), np.full(len(h), c)) for c, h in learned.items()]
    )
    return np.unique(doc[np.isin(combo, wanted)])


def _strip(
    parts: Sequence[tuple[str, np.ndarray]],
    affected: np.ndarray,
    codes: np.ndarray,
    learned: dict[int, frozenset[int]],
    parse: ParseConfig,
) -> tuple[dict[int, str], int]:
    """Strip the learned lines from the ``affected`` articles, rewriting their staging files; returns their
    new matching texts by article position and the number of lines removed."""
    starts = np.cumsum([0] + [int(k.sum()) for _, k in parts])
    new_match: dict[int, str] = {}
    dropped = 0
    for p, (path, keep) in enumerate(parts):
        lo, hi = starts[p], starts[p + 1]
        mine = affected[(affected >= lo) & (affected < hi)]
        if not len(mine):
            continue
        frame = read_stage(path).to_pandas()
        kept_rows = np.flatnonzero(keep)
        for g in mine.tolist():
            row = int(kept_rows[g - lo])
            art = article_from_row(frame.iloc[row])
            mine_learned = learned.get(int(codes[g]), frozenset())
            lines = frozenset(k for k in line_keys(art.body) if key_hash(k) in mine_learned)
            stripped = strip_learned(art, lines)
            dropped += len(stripped.removed_lines) - len(art.removed_lines)
            text = matching_text(stripped, include_title=parse.include_title_in_match)
            frame.at[row, "body"] = stripped.body
            frame.at[row, "body_chars"] = len(stripped.body)
            frame.at[row, "has_body"] = bool(stripped.body)
            frame.at[row, "removed_kinds"] = kinds_list(stripped.removed)
            frame.at[row, "removed_lines"] = list(stripped.removed_lines)
            frame.at[row, "match_text"] = text
            new_match[g] = text
        write_stage(pa.Table.from_pandas(frame, schema=STAGE_SCHEMA, preserve_index=False), path)
    return new_match, dropped


def _resketch(base: StagedSketches, match: dict[int, str], dedup: DedupParams) -> StagedSketches:
    """``base`` with the articles in ``match`` sketched again from their new matching text."""
    rows = np.array(sorted(match), dtype=np.int64)
    if not len(rows):
        return base
    fresh = sketch_texts([match[int(g)] for g in rows], dedup)
    offsets = base.files.replace_rows(base.offsets, rows, fresh.hashes, fresh.offsets, fresh.signatures)
    digests = base.digests.copy()
    digests[rows] = compact_digests(fresh.digests)
    tokens = base.tokens.copy()
    tokens[rows] = fresh.tokens
    return StagedSketches(digests, tokens, offsets, base.files)
