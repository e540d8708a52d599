"""The run's processes and threads: results in order whatever runs them, and a background writer that
stops when the main thread fails."""

import os
import threading
import time

import pytest

from newsdedup.model import serial_map
from newsdedup.run.parallel import Stopped, check_stop, in_background, process_map, thread_map


def _pid_square(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_process_map_yields_in_item_order_from_worker_processes() -> None:
    got = list(process_map(_pid_square, list(range(12)), 2))
    assert [v for v, _ in got] == [x * x for x in range(12)]
    if (os.cpu_count() or 1) > 1:
        assert {pid for _, pid in got} != {os.getpid()}


def test_process_map_with_one_job_runs_here() -> None:
    got = list(process_map(_pid_square, [1, 2, 3], 1))
    assert got == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


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
