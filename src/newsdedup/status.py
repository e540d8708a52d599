"""What an output folder holds and whether it is healthy; rolling it back to an earlier version.

:func:`status` is what ``newsdedup status`` prints and what monitoring reads: the kept versions (which is
current), the runs recorded in the current version, the latest run's outcome, who holds the lock, and
``healthy``: false when the latest run failed, was cancelled or died (recorded as running while nobody holds
the lock), or when a file of the current version cannot be read.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdedup.errors import InputError
from newsdedup.io.store import CURRENT, OutputStore

__all__ = ["format_status", "rollback", "status"]

_GOOD = ("committed", "nothing_new", "no_inputs", "rolled_back")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def _runs(current: Path | None) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    if current is None:
        return runs
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
    return runs


def _verdict(last: dict[str, Any] | None, holder: str | None, leftovers: list[str], bad: list[str]) -> str:
    """Why the output is unhealthy, or "" when it is not."""
    if bad:
        return f"{len(bad)} file(s) of the current version cannot be read"
    if last is None:
        return "the last run did not commit" if leftovers else ""
    if last.get("status") == "running":
        return "" if holder else f"run {last.get('run_id')} died before it committed"
    if last.get("status") not in _GOOD:
        return f"the last run ({last.get('run_id')}) {last.get('status')}: {last.get('error', '')}".rstrip(
            ": "
        )
    return ""


def status(output: Path) -> dict[str, Any]:
    """The output folder's versions, runs, latest outcome, lock holder and health."""
    if not output.is_dir():
        raise InputError(f"no such output folder: {output}")
    store = OutputStore(output)
    current = store.current()
    versions = store.versions()
    leftovers = [v.name for v in versions if not v.committed]
    last, holder, bad = store.last_run(), store.lock_holder(), store.unreadable()
    problem = _verdict(last, holder, leftovers, bad)
    return {
        "output": str(output),
        "committed_version": current.name if current is not None else None,
        "versions": [{"name": v.name, "committed": v.committed, "current": v.current} for v in versions],
        "runs": _runs(current),
        "last_run": last,
        "lock_holder": holder,
        "healthy": not problem,
        "problem": problem or None,
        "unreadable": bad,
        "last_run_committed": not leftovers and (last is None or last.get("status") in _GOOD),
        "uncommitted_leftovers": leftovers,
        "state_bytes": _size(current / "state") if current is not None else 0,
        "total_bytes": _size(current) if current is not None else 0,
        "current_link": str(output / CURRENT),
    }


def rollback(output: Path, to: str | None = None) -> str:
    """Make an earlier committed version of ``output`` current (the one before, or run ``to``), under the
    output's lock; the next run continues from its state and ledger. Returns the version now current."""
    if not output.is_dir():
        raise InputError(f"no such output folder: {output}")
    store = OutputStore(output)
    with store.lock():
        name = store.rollback(to)
        now = datetime.now(UTC).isoformat()
        store.record_run({"run_id": name, "status": "rolled_back", "updated_at": now})
    return name


def format_status(info: dict[str, Any]) -> str:
    """Human-readable rendering of :func:`status`."""
    lines = [f"output: {info['output']}", f"committed version: {info['committed_version'] or 'none yet'}"]
    for v in info["versions"]:
        mark = "current" if v["current"] else "kept" if v["committed"] else "leftover"
        lines.append(f"  version {v['name']}  ({mark})")
    for r in info["runs"][-10:]:
        c = r["counts"]
        lines.append(
            f"  run {r['run_id']}  exit {r['exit_code']}  {c.get('articles', 0)} articles, "
            f"{c.get('rejected', 0)} rejected, {c.get('topics', 0)} topics"
            + (f", {c['themes']} themes" if "themes" in c else "")  # runs before themes have no count
            + f"  ({r['seconds']}s)"
        )
    last = info["last_run"]
    if last:
        lines.append(f"last run: {last.get('run_id')} {last.get('status')} at {last.get('updated_at')}")
    lines.append(f"last run committed: {'yes' if info['last_run_committed'] else 'no'}")
    lines.append(f"lock: held by {info['lock_holder']}" if info["lock_holder"] else "lock: free")
    lines.append("healthy: yes" if info["healthy"] else f"healthy: NO ({info['problem']})")
    if info["uncommitted_leftovers"]:
        lines.append(
            f"  leftovers of an interrupted run (removed by the next run): {info['uncommitted_leftovers']}"
        )
    lines.append(f"state size: {info['state_bytes']} bytes; total: {info['total_bytes']} bytes")
    return "\n".join(lines)
