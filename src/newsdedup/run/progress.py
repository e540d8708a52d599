"""A one-line progress display for interactive terminals; silent everywhere else (cron, pipes, CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Rewrites one stderr line with ``label: done/total`` at most every ``interval`` seconds.

    Enabled only when the stream is a TTY and ``enabled`` is true, so logs under cron stay clean lines.
    """

    def __init__(self, *, enabled: bool = True, stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def update(self, label: str, done: int, total: int | None = None) -> None:
        """Show progress of ``label``; cheap when disabled or called more often than ``interval``."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self.interval and (total is None or done < total):
            return
        self._last = now
        text = f"{label}: {done:,}" + (f"/{total:,}" if total else "")
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the progress line so the next log line starts clean."""
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False
