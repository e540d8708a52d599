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
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from newsdedup.api import Result, RunResult, load, process
    from newsdedup.estimators import NearDuplicateFinder, StoryClusterer
    from newsdedup.frames import find_duplicates, parse, parse_frame

# public name -> the module that defines it (imported by __getattr__ on first use: PEP 562)
_LAZY = {
    "Result": "newsdedup.api",
    "RunResult": "newsdedup.api",
    "load": "newsdedup.api",
    "process": "newsdedup.api",
    "parse": "newsdedup.frames",
    "parse_frame": "newsdedup.frames",
    "find_duplicates": "newsdedup.frames",
    "NearDuplicateFinder": "newsdedup.estimators",
    "StoryClusterer": "newsdedup.estimators",
}

# names shared by a subpackage and a function: the subpackage is imported, and calling it calls the function
_CALLABLE_PACKAGES = {
    "run": ("newsdedup.api", "run"),
    "cluster": ("newsdedup.frames", "cluster"),
}

__all__ = [
    "NearDuplicateFinder",
    "Result",
    "RunResult",
    "StoryClusterer",
    "__version__",
    "cluster",
    "find_duplicates",
    "load",
    "parse",
    "parse_frame",
    "process",
    "run",
]


class _CallablePackage(types.ModuleType):
    """A subpackage that is also a function of the API: ``newsdedup.run`` is the run layer and
    :func:`newsdedup.api.run`; ``newsdedup.cluster`` is the clustering stage and :func:`newsdedup.frames.cluster`.

    (A function bound to the package's name would be replaced by the subpackage as soon as the subpackage is
    imported, and would break ``import newsdedup.run.<module>``: so the subpackage itself is made callable.)
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        module, name = _CALLABLE_PACKAGES[self.__name__.rpartition(".")[2]]
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


class _Package(types.ModuleType):
    """This package's module type: the import system binds a subpackage to its name here, at which point
    the subpackages named in ``_CALLABLE_PACKAGES`` become callable."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_PACKAGES and type(value) is types.ModuleType:
            value.__class__ = _CallablePackage
        super().__setattr__(name, value)


def _version() -> str:
    """The installed distribution's version (importlib.metadata is most of a bare import's time: so it is
    looked up on first use)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsdedup")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    if name in _CALLABLE_PACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsdedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), "__version__", *_LAZY, *_CALLABLE_PACKAGES})


sys.modules[__name__].__class__ = _Package
