"""A one-line progress display for interactive terminals; silent everywhere else (cron, pipes, CI).

Each long step (reading, dedup, clustering, writing) shows ``step: done/total (pct) rate/s ETA m:ss`` on
one rewritten stderr line. The steps report through :meth:`Progress.update` (an absolute count, from this
thread) or :meth:`Progress.advance`, the :class:`~newsdedup.model.ProgressFn` the pure stages are given,
which pieces of work finishing in other threads may call: its counts are added up under a lock.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress", "format_progress"]


def _duration(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_progress(label: str, done: int, total: int | None, elapsed: float, detail: str = "") -> str:
    """``label: done/total (pct) rate/s ETA m:ss, detail``; without a total, the count and the rate only."""
    text = f"{label}: {done:,}"
    if total:
        text += f"/{total:,} ({100 * done // total}%)"
    if elapsed > 0 and done > 0:
        rate = done / elapsed
        text += f" {rate:,.0f}/s"
        if total and done < total:
            text += f" ETA {_duration((total - done) / rate)}"
    return f"{text}, {detail}" if detail else text


class Progress:
    """Rewrites one stderr line with the current step's progress at most every ``interval`` seconds.

    Enabled only when the stream is a TTY and ``enabled`` is true, so logs under cron stay clean lines.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.interval = interval
        self.clock = clock
        self._last = float("-inf")
        self._shown = False
        self._lock = threading.Lock()
        self._label = ""
        self._started = 0.0
        self._counts: dict[str, list[int]] = {}

    def _start(self, label: str) -> None:
        if label != self._label:
            self._label, self._started = label, self.clock()

    def update(self, label: str, done: int, total: int | None = None, detail: str = "") -> None:
        """Show progress of ``label`` (``done`` of ``total`` so far, and a ``detail`` after them); cheap when
        disabled or called more often than ``interval``."""
        if not self.enabled:
            return
        with self._lock:
            self._start(label)
            self._show(label, done, total, detail)

    def advance(self, step: str, done: int, total: int, /) -> None:
        """Add ``done`` finished units and ``total`` units to do to ``step``, and show it (a
        :class:`~newsdedup.model.ProgressFn`; safe to call from several threads)."""
        if not self.enabled:
            return
        with self._lock:
            counts = self._counts.setdefault(step, [0, 0])
            counts[0] += done
            counts[1] += total
            self._start(step)
            self._show(step, counts[0], counts[1])

    def _show(self, label: str, done: int, total: int | None, detail: str = "") -> None:
        now = self.clock()
        if now - self._last < self.interval and (not total or done < total):
            return
        self._last = now
        self.stream.write("\r\x1b[2K" + format_progress(label, done, total, now - self._started, detail))
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the progress line so the next log line starts clean."""
        with self._lock:
            self._label = ""
            self._counts.clear()
            if self._shown:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
                self._shown = False
