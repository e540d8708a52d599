"""Worker processes never outlive the job, and the output lock never outlives the run.

A forked worker inherits every descriptor of the main process, the output folder's lock among them: a
worker orphaned by a killed main process would keep the lock held and wedge every later run. So each
worker, as its first act:

- asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux), then checks that the
  parent is still the one that forked it (it may have died before the request);
- starts a watchdog thread that ends the worker if its parent changes anyway (the death signal follows the
  thread that forked the worker, and other systems have no such signal);
- closes the inherited lock descriptors, so only the main process holds the lock;
- leaves SIGINT to the main process (a Ctrl-C in a terminal reaches the whole process group) and takes
  the default action on SIGTERM.

:func:`stop_workers` kills the worker processes of this process at once, for a cancelled or failed run.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import signal
import threading
import time

from newsdedup.io.store import held_lock_fds

__all__ = ["stop_workers", "worker_initializer"]

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_SECONDS = 0.5


def worker_initializer(parent: int) -> None:
    """Run first in every worker process forked by the job (``parent`` is the job's pid)."""
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="newsdedup-lifeline", daemon=True).start()
    for fd in held_lock_fds():
        with contextlib.suppress(OSError):
            os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; returns whether it could."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def stop_workers() -> int:
    """Kill this process's worker processes now and reap them; returns how many were alive."""
    children = mp.active_children()
    for child in children:
        child.kill()
    for child in children:
        child.join(timeout=5)
    if children:
        logger.info("stopped %d worker process(es)", len(children))
    return len(children)
