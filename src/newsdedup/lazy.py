"""Package names loaded on first use (PEP 562), the one implementation the stage packages' ``__init__`` use.

A package lists its public names and the module defining each; ``lazy_names`` gives it the module-level
``__getattr__`` and ``__dir__`` that import that module when a name is first asked for, so importing one
module of the package (a constant, a type) does not load the others and the libraries they need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, lazy: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """(``__getattr__``, ``__dir__``) for the package ``package`` whose module globals are ``namespace``:
    ``lazy`` maps a public name to the module defining it. A name found is kept in ``namespace``, so later
    lookups do not come back here."""

    def getattr_(name: str) -> Any:
        module = lazy.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *lazy})

    return getattr_, dir_
