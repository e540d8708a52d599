"""The rules of the layout that import-linter and ruff do not state: sizes, private names, Parquet in pure layers.

import-linter (pyproject.toml, run by `make test`) checks which layer imports which; these tests check that
no module outgrows a screenful of screens, no function outgrows one, no module reaches into another's
private names, and the pure layers never touch Parquet files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "newsdedup"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
MAX_KERNEL_LINES = 150  # compiled kernels (numba), where a helper call costs what the loop saves
# names that start with an underscore and are public all the same
PUBLIC_UNDERSCORED = {"os._exit"}
PURE = ("text", "dedup", "cluster", "incremental", "model.py", "params.py")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "sample" not in p.parts)


def _is_kernel(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any("jit" in ast.unparse(d) for d in node.decorator_list)


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_module_size(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines (limit {MAX_MODULE_LINES})"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_function_size(path: Path) -> None:
    long = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            limit = MAX_KERNEL_LINES if _is_kernel(node) else MAX_FUNCTION_LINES
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                long.append(f"{node.name} ({length} lines, limit {limit})")
    assert not long, f"{_name(path)}: {', '.join(long)}"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_no_private_names_from_other_modules(path: Path) -> None:
    """`from x import _y` and `x._y` reach past a module's interface; copy or make public instead."""
    bad = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            bad += [
                f"from {node.module} import {a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id not in {"self", "cls"}
        ):
            bad.append(f"{node.value.id}.{node.attr}")
    bad = [b for b in bad if b not in PUBLIC_UNDERSCORED]
    assert not bad, f"{_name(path)}: {', '.join(sorted(set(bad)))}"


@pytest.mark.parametrize(
    "path", [p for p in _modules() if p.relative_to(PACKAGE).parts[0] in PURE], ids=_name
)
def test_pure_layers_do_not_touch_parquet(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [
        f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
    ]
    assert not [n for n in names if n.startswith("pyarrow.parquet")], _name(path)
