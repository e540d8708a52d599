"""Map functions (:class:`newsdedup.model.MapFn`) for tests: a thread pool's, and one that runs the items in
reverse order, to show a stage's result does not depend on how its blocks are run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from newsdedup.model import MapFn


def thread_map(pool: ThreadPoolExecutor) -> MapFn:
    """``pool.map`` as a MapFn."""

    def run(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
        return list(pool.map(fn, items))

    return run


def reversed_map(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
    """The last item first, results returned in item order (as any MapFn must)."""
    return [fn(item) for item in reversed(items)][::-1]
