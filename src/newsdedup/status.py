"""What an output folder holds: its runs, counts, state size and whether the last run committed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsdedup.errors import InputError
from newsdedup.io.store import CURRENT, VERSIONS, OutputStore

__all__ = ["format_status", "status"]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def status(output: Path) -> dict[str, Any]:
    """Runs recorded in the committed version, newest last, and whether leftovers of an uncommitted run exist."""
    if not output.is_dir():
        raise InputError(f"no such output folder: {output}")
    store = OutputStore(output)
    current = store.current()
    runs: list[dict[str, Any]] = []
    if current is not None:
        for path in sorted((current / "runs").glob("*.json")):
            with open(path, encoding="utf-8") as fh:
                m = json.load(fh)
            runs.append(
                {
                    "run_id": m.get("run_id"),
                    "finished_at": m.get("finished_at"),
                    "exit_code": m.get("exit_code"),
                    "counts": m.get("counts", {}),
                    "seconds": round(sum(s.get("seconds", 0) for s in m.get("steps", {}).values()), 2),
                }
            )
    versions = output / VERSIONS
    leftovers = (
        sorted(p.name for p in versions.iterdir() if current is None or p.resolve() != current)
        if versions.is_dir()
        else []
    )
    return {
        "output": str(output),
        "committed_version": current.name if current is not None else None,
        "runs": runs,
        "last_run_committed": not leftovers,
        "uncommitted_leftovers": leftovers,
        "state_bytes": _size(current / "state") if current is not None else 0,
        "total_bytes": _size(current) if current is not None else 0,
        "current_link": str(output / CURRENT),
    }


def format_status(info: dict[str, Any]) -> str:
    """Human-readable rendering of :func:`status`."""
    lines = [f"output: {info['output']}", f"committed version: {info['committed_version'] or 'none yet'}"]
    for r in info["runs"][-10:]:
        c = r["counts"]
        lines.append(
            f"  run {r['run_id']}  exit {r['exit_code']}  {c.get('articles', 0)} articles, "
            f"{c.get('rejected', 0)} rejected, {c.get('topics', 0)} topics  ({r['seconds']}s)"
        )
    lines.append(f"last run committed: {'yes' if info['last_run_committed'] else 'no'}")
    if info["uncommitted_leftovers"]:
        lines.append(
            f"  leftovers of an interrupted run (removed by the next run): {info['uncommitted_leftovers']}"
        )
    lines.append(f"state size: {info['state_bytes']} bytes; total: {info['total_bytes']} bytes")
    return "\n".join(lines)
