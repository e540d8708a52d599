"""Forked workers die with the job and never hold its lock (newsdedup.run.lifeline)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdedup.io.store import OutputStore, held_lock_fds

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")

# A parent that takes the lock, forks a worker through the initializer, prints the worker's pid, then waits.
PARENT = """
import multiprocessing as mp, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from newsdedup.io.store import OutputStore
from newsdedup.run.lifeline import worker_initializer
with OutputStore(sys.argv[1]).lock():
    pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"), initializer=worker_initializer,
                               initargs=(os.getpid(),))
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_worker_dies_with_a_killed_parent_and_the_lock_is_free(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert _alive(worker)
    assert OutputStore(tmp_path).lock_holder() == f"pid {parent.pid}"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)
    assert OutputStore(tmp_path).lock_holder() is None
    with OutputStore(tmp_path).lock():
        pass


def test_initializer_closes_inherited_lock_descriptors(tmp_path: Path) -> None:
    from newsdedup.run.lifeline import worker_initializer

    with OutputStore(tmp_path).lock():
        (fd,) = held_lock_fds()
        pid = os.fork()
        if pid == 0:  # the child: after the initializer the descriptor is closed
            worker_initializer(os.getppid())
            try:
                os.fstat(fd)
                os._exit(3)
            except OSError:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
