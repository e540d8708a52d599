"""The progress line shows only on a terminal: counts, rate and ETA of every long step."""

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newsdedup.params import Config
from newsdedup.run.pipeline import run
from newsdedup.run.progress import Progress, format_progress
from tests.conftest import SAMPLE


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    p = Progress(stream=stream, interval=0.0)
    p.update("reading records", 5, 10)
    p.clear()
    assert stream.getvalue() == ""


def test_shows_and_clears_on_a_terminal() -> None:
    stream = _Tty()
    p = Progress(stream=stream, interval=0.0)
    p.update("reading records", 5, 10)
    assert "reading records: 5/10" in stream.getvalue()
    p.clear()
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_disabled_by_flag_even_on_a_terminal() -> None:
    stream = _Tty()
    Progress(enabled=False, stream=stream, interval=0.0).update("x", 1)
    assert stream.getvalue() == ""


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_counts_rate_and_eta() -> None:
    stream, clock = _Tty(), _Clock()
    p = Progress(stream=stream, interval=0.0, clock=clock)
    p.advance("dedup: verifying pairs", 0, 1000)
    clock.now += 2.0
    p.advance("dedup: verifying pairs", 250, 0)
    assert stream.getvalue().endswith("dedup: verifying pairs: 250/1,000 (25%) 125/s ETA 0:06")
    clock.now += 2.0
    p.update("reading KB", 400, 800, "1,234 records")  # another step starts its own clock
    clock.now += 4.0
    p.update("reading KB", 800, 800, "2,000 records")
    assert stream.getvalue().endswith("reading KB: 800/800 (100%) 200/s, 2,000 records")


def test_format_without_a_total_or_time() -> None:
    assert format_progress("reading", 0, None, 0.0) == "reading: 0"
    assert format_progress("x", 7200, 14400, 3600.0) == "x: 7,200/14,400 (50%) 2/s ETA 1:00:00"


def test_advance_adds_up_increments_from_threads() -> None:
    stream = _Tty()
    p = Progress(stream=stream, interval=10.0)
    p.advance("cluster", 0, 4000)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: p.advance("cluster", 1, 0), range(4000)))
    assert stream.getvalue().rsplit("\r", 1)[-1].startswith("\x1b[2Kcluster: 4,000/4,000 (100%)")


def test_a_run_on_a_terminal_shows_every_long_step(tmp_path: Path) -> None:
    stream = _Tty()
    p = Progress(stream=stream, interval=0.0)
    run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], tmp_path / "out", Config(), progress=p)
    shown = stream.getvalue()
    for step in ("reading KB", "dedup: verifying pairs", "cluster", "writing articles: 44/44 (100%)"):
        assert step in shown, step
    assert shown.endswith("\r\x1b[2K")  # cleared before the step's log line
