"""Named failure points for fault tests: crash (SIGKILL) or fail (ENOSPC) at a chosen step of a run.

Set ``NEWSDEDUP_FAILPOINT=<name>`` (kill the process there), ``NEWSDEDUP_FAILPOINT=<name>:enospc`` (raise
"No space left on device" there) or ``NEWSDEDUP_FAILPOINT=<name>:sigterm`` (send the process SIGTERM there,
as a supervisor would). Unset, every call is a dictionary lookup and nothing else. The fault tests
use these to prove that a run killed or starved of disk at any point leaves the previous output intact.
"""

from __future__ import annotations

import errno
import os
import signal

__all__ = ["failpoint"]

ENV = "NEWSDEDUP_FAILPOINT"


def failpoint(name: str) -> None:
    """Crash or fail here when the environment asks for it (tests only); otherwise do nothing."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, mode = wanted.partition(":")
    if point != name:
        return
    if mode == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
    os.kill(os.getpid(), signal.SIGTERM if mode == "sigterm" else signal.SIGKILL)
