"""Field mapping: which of a structured record's own names (or dotted paths) fill each of our fields.

A :class:`FieldPlan` is compiled once from the config (``input.preset`` and ``[input.fields]``, see
:meth:`newsdedup.params.InputConfig.field_candidates`) and narrowed once per file to the columns a CSV or
Parquet file has (:func:`plan_for_columns`), so a record costs one lookup per candidate and nothing else.

Lookup rule: a field's candidates are tried in order; the first whose value is present, not null and not a
blank string wins. A dotted name walks into nested objects (``source.name``); where the value reached is a
string holding ``<KEY>text</KEY>`` elements (GDELT's ``V2ExtrasXML``), the next name picks that element.
A column whose own name contains a dot (a CSV header "source.name") is matched by that name first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsdedup.params import DEFAULT_FIELDS

__all__ = ["DEFAULT_PLAN", "FieldPlan", "compile_plan", "lookup", "plan_for_columns"]

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """Each field's candidate paths, and the top-level names the mapping uses (the rest go to ``extra``)."""

    id: tuple[Path, ...]
    url: tuple[Path, ...]
    title: tuple[Path, ...]
    body: tuple[Path, ...]
    summary: tuple[Path, ...]
    author: tuple[Path, ...]
    published_at: tuple[Path, ...]
    source: tuple[Path, ...]
    location: tuple[Path, ...]
    mapped: frozenset[str]


_FIELDS = ("id", "url", "title", "body", "summary", "author", "published_at", "source", "location")


def compile_plan(candidates: Mapping[str, Sequence[str]]) -> FieldPlan:
    """The plan of a field -> candidate names mapping (fields left out have no candidates)."""
    paths = {f: tuple(tuple(name.split(".")) for name in candidates.get(f, ())) for f in _FIELDS}
    mapped = frozenset(p[0] for ps in paths.values() for p in ps)
    return FieldPlan(**paths, mapped=mapped)


DEFAULT_PLAN = compile_plan(DEFAULT_FIELDS)


def plan_for_columns(plan: FieldPlan, columns: Sequence[str], *, fold_case: bool) -> FieldPlan:
    """``plan`` narrowed to the paths that start at one of ``columns`` (a CSV header, a Parquet schema),
    with each path's first name spelled as the column is; ``fold_case``: names match without case (CSV,
    whose reader lower-cases the header)."""
    spelled = {(c.lower() if fold_case else c): c for c in columns}

    def narrow(paths: tuple[Path, ...]) -> tuple[Path, ...]:
        out: list[Path] = []
        for path in paths:
            whole = ".".join(path)
            whole_col = spelled.get(whole.lower() if fold_case else whole)
            if len(path) > 1 and whole_col is not None:
                out.append((whole_col,))
                continue
            col = spelled.get(path[0].lower() if fold_case else path[0])
            if col is not None:
                out.append((col, *path[1:]))
        return tuple(out)

    narrowed = {f: narrow(getattr(plan, f)) for f in _FIELDS}
    mapped = frozenset(p[0] for ps in narrowed.values() for p in ps)
    return replace(plan, **narrowed, mapped=mapped)


def _element(text: str, key: str) -> str | None:
    """The text of the first ``<key>...</key>`` element in ``text`` (GDELT's extras), or None."""
    if "<" not in text:
        return None
    m = re.search(f"<{re.escape(key)}>(.*?)</{re.escape(key)}>", text, re.DOTALL)
    return m.group(1) if m else None


def _walk(value: Any, path: Path) -> Any:
    for key in path[1:]:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, str):
            value = _element(value, key)
        else:
            return None
    return value


def lookup(obj: Mapping[str, Any], paths: tuple[Path, ...]) -> tuple[Any, str | None]:
    """(value, the candidate's dotted name) of the first candidate present, not null and not blank;
    (None, None) when none is. Runs for every field of every record: kept lean."""
    for path in paths:
        value = obj.get(path[0])
        if value is None:
            continue
        if len(path) > 1:
            value = _walk(value, path)
            if value is None:
                continue
        # a blank string is skipped (not value.strip(), which would copy a whole body to test it)
        if value.__class__ is str and (not value or value.isspace()):
            continue
        return value, path[0] if len(path) == 1 else ".".join(path)
    return None, None
