"""The run's processes and threads: results in order whatever runs them, and a background writer that
stops when the main thread fails."""

import functools
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from newsdedup.errors import WorkerDied
from newsdedup.model import serial_map
from newsdedup.run.parallel import Stopped, check_stop, in_background, process_map, thread_map


def _pid_square(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_process_map_yields_in_item_order_from_worker_processes(tmp_path: Path) -> None:
    got = list(process_map(_pid_square, list(range(12)), 2, tmp_path))
    assert [v for v, _ in got] == [x * x for x in range(12)]
    if (os.cpu_count() or 1) > 1:
        assert {pid for _, pid in got} != {os.getpid()}
    assert list(tmp_path.iterdir()) == []  # every result file taken and deleted


def test_process_map_with_one_job_runs_here(tmp_path: Path) -> None:
    got = list(process_map(_pid_square, [1, 2, 3], 1, tmp_path))
    assert got == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


def _die_while_returning_a_large_result(x: int, delay: float) -> bytes:
    """Item 1 kills its own worker ``delay`` seconds after returning 64 MB: while the result is on its way
    back (without the spill files, a kill 40 ms or more after the return hung the map for ever)."""
    if x == 1:
        threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return bytes(64 << 20)
    time.sleep(0.2)
    return b"x"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs worker processes")
def test_a_worker_killed_while_returning_its_result_fails_the_map_instead_of_hanging(
    tmp_path: Path,
) -> None:
    outcome: list[BaseException | list[bytes]] = []

    def consume(delay: float) -> None:
        fn = functools.partial(_die_while_returning_a_large_result, delay=delay)
        try:
            outcome.append(list(process_map(fn, [0, 1, 2, 3], 2, tmp_path)))
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    for delay in (0.005, 0.04, 0.1):  # the kill lands at a different point of the hand-back each time
        outcome.clear()
        t = threading.Thread(target=consume, args=(delay,), daemon=True)
        t.start()
        t.join(timeout=60)
        assert not t.is_alive(), "process_map hung after its worker was killed"
        assert isinstance(outcome[0], WorkerDied)
        assert list(tmp_path.iterdir()) == []  # the partial and untaken results deleted


def test_thread_map_keeps_the_order_and_one_job_is_the_serial_map() -> None:
    assert thread_map(1) is serial_map
    names: set[str] = set()

    def slow_square(x: int) -> int:
        names.add(threading.current_thread().name)
        time.sleep(0.01 * (5 - x))
        return x * x

    assert thread_map(3)(slow_square, list(range(5))) == [0, 1, 4, 9, 16]
    assert threading.current_thread().name not in names
    assert thread_map(3)(slow_square, [2]) == [4]


def test_the_background_function_is_stopped_when_the_block_fails() -> None:
    started = threading.Event()

    def writer(stop: threading.Event) -> str:
        started.set()
        while True:
            check_stop(stop)
            time.sleep(0.001)

    with pytest.raises(RuntimeError, match="main failed"), in_background(writer) as future:
        started.wait(5)
        raise RuntimeError("main failed")
    assert isinstance(future.exception(), Stopped)


def test_the_block_waits_for_the_background_function() -> None:
    done: list[int] = []

    def writer(stop: threading.Event) -> int:
        time.sleep(0.05)
        done.append(1)
        return 7

    with in_background(writer) as future:
        pass
    assert done == [1] and future.result() == 7
