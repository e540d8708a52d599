"""newsdedup: turn raw news articles into clean, deduplicated, clustered Parquet tables.

The public API (each name is imported on first use, so ``import newsdedup`` stays cheap):

- the whole job: :func:`process` (records in memory -> :class:`Result`), :func:`run` (files -> an output
  folder, what the ``newsdedup run`` command calls), :func:`load` (an output folder -> :class:`Result`);
- one stage at a time, on plain columns (``title``, ``body``, optional ``id``, ``published_at``,
  ``source``): :func:`parse`, :func:`parse_frame`, :func:`find_duplicates`, :func:`cluster`;
- scikit-learn estimators: :class:`NearDuplicateFinder`, :class:`StoryClusterer`.

Example::

    >>> import pandas as pd, newsdedup
    >>> result = newsdedup.process(pd.read_json("feed.jsonl", lines=True))   # doctest: +SKIP
    >>> result.topics[["label", "size"]].head()                             # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import types
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from newsdedup import run as _run_package  # the run layer's package: a docstring, nothing imported

try:
    __version__ = version("newsdedup")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from newsdedup.api import Result, RunResult, load, process
    from newsdedup.estimators import NearDuplicateFinder, StoryClusterer
    from newsdedup.frames import cluster, find_duplicates, parse, parse_frame

# public name -> the module that defines it (imported by __getattr__ on first use: PEP 562)
_LAZY = {
    "Result": "newsdedup.api",
    "RunResult": "newsdedup.api",
    "load": "newsdedup.api",
    "process": "newsdedup.api",
    "parse": "newsdedup.frames",
    "parse_frame": "newsdedup.frames",
    "find_duplicates": "newsdedup.frames",
    "cluster": "newsdedup.frames",
    "NearDuplicateFinder": "newsdedup.estimators",
    "StoryClusterer": "newsdedup.estimators",
}

__all__ = ["__version__", "run", *_LAZY]


class _CallablePackage(types.ModuleType):
    """``newsdedup.run`` names both the run layer's package and the job's entry point: calling the package
    is :func:`newsdedup.api.run`. (A function bound to the same name would be replaced by the package
    whenever a module of it is first imported, and would break ``import newsdedup.run.<module>``.)"""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return importlib.import_module("newsdedup.api").run(*args, **kwargs)


_run_package.__class__ = _CallablePackage


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsdedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
