"""Compiled kernels with numba, for the loops numpy cannot vectorise (linkage merges, pair verification).

Every kernel is compiled on its first call and cached on disk (``cache=True``: next to the module, or in the
user's cache folder when the package folder is read-only), so a scheduled job pays the compile once per
installation. ``nogil`` lets a kernel run beside other threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

__all__ = ["njit"]

F = TypeVar("F", bound=Callable[..., Any])


def njit(func: F) -> F:
    """``numba.njit`` with the project's settings: cached on disk, releases the GIL."""
    return numba.njit(cache=True, nogil=True)(func)  # type: ignore[return-value]
