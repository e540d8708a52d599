"""Timing and counting of pipeline steps: one log line per step, and the numbers for the run manifest."""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("newsdedup.pipeline")

__all__ = ["StepLog", "StepRecord"]


@dataclass
class StepRecord:
    """What one step took in, gave out, and how long it took."""

    name: str
    n_in: int | None = None
    n_out: int | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)  # a few counts: in the log line and the manifest
    details: dict[str, Any] = field(default_factory=dict)  # everything else: the manifest only

    def as_dict(self) -> dict[str, Any]:
        return {
            "in": self.n_in,
            "out": self.n_out,
            "seconds": round(self.seconds, 4),
            **self.extra,
            **self.details,
        }


@dataclass
class StepLog:
    """The ordered record of a run's steps."""

    steps: list[StepRecord] = field(default_factory=list)

    @contextmanager
    def step(self, name: str, n_in: int | None = None) -> Iterator[StepRecord]:
        """Time a step; the caller fills ``n_out`` and ``extra`` on the yielded record."""
        record = StepRecord(name=name, n_in=n_in)
        start = time.perf_counter()
        try:
            yield record
        finally:
            record.seconds = time.perf_counter() - start
            # the process's peak resident memory so far: the step where it jumps is the one that set it
            record.details["peak_rss_mb"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            )
            self.steps.append(record)
            counts = (
                f"in={record.n_in} out={record.n_out}" if record.n_in is not None else f"out={record.n_out}"
            )
            extras = " ".join(f"{k}={v}" for k, v in record.extra.items() if isinstance(v, int | float | str))
            logger.info(
                "step %-9s %s %s(%.2fs)",
                name,
                counts,
                extras + " " if extras else "",
                record.seconds,
                extra={"step": name, "n_in": record.n_in, "n_out": record.n_out, "seconds": record.seconds},
            )

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {s.name: s.as_dict() for s in self.steps}
