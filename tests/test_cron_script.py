"""jobs/newsdedup-cron.sh with a fake ``newsdedup`` on PATH: skipped slots (exit 75) are counted, reported
after NEWSDEDUP_MAX_SKIPS in a row, and a stale lock holder (its recorded run gone, the lock still held by
orphans) is reported at once; newsdedup's other exit codes pass through."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "jobs" / "newsdedup-cron.sh"
FAKE = """#!/bin/sh
echo "$@" >> "$FAKE_CALLS"
exit "${FAKE_RC:-75}"
"""
HOLD_LOCK = (
    "import fcntl, os, sys, time\n"
    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
    "fcntl.flock(fd, fcntl.LOCK_EX)\n"
    "print('locked', flush=True)\n"
    "time.sleep(120)\n"
)


class Cron:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "out"
        self.out.mkdir()
        self.lock = self.out / ".newsdedup.lock"
        self.skips = self.out / ".cron-skips"
        self.log = root / "log" / "run.log"
        self.calls = root / "calls"
        fakebin = root / "bin"
        fakebin.mkdir()
        (fakebin / "newsdedup").write_text(FAKE)
        (fakebin / "newsdedup").chmod(0o755)
        self.env = {
            **os.environ,
            "PATH": f"{fakebin}{os.pathsep}{os.environ['PATH']}",
            "NEWSDEDUP_HOME": str(root / "home"),  # no .venv there: the script takes `newsdedup` from PATH
            "NEWSDEDUP_INBOX": str(root / "inbox"),
            "NEWSDEDUP_OUTPUT": str(self.out),
            "NEWSDEDUP_CONFIG": str(root / "prod.toml"),
            "NEWSDEDUP_LOG": str(self.log),
            "NEWSDEDUP_MAX_SKIPS": "3",
            "FAKE_CALLS": str(self.calls),
        }
        self.procs: list[subprocess.Popen[str]] = []

    def __call__(self, rc: int = 75, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(SCRIPT)],
            env={**self.env, "FAKE_RC": str(rc), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    def spawn(self, *argv: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return proc

    def live_newsdedup(self) -> int:
        """A living process whose command line names newsdedup (a run in progress)."""
        return self.spawn(sys.executable, "-c", "import time; time.sleep(120)", "newsdedup", "run").pid

    def orphan_holding_lock(self) -> int:
        """A process holding the output's flock, as an orphaned worker does."""
        proc = self.spawn(sys.executable, "-c", HOLD_LOCK, str(self.lock), "newsdedup-worker")
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        return proc.pid

    def dead_pid(self) -> int:
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        proc.wait()
        return proc.pid

    def record_holder(self, pid: int) -> None:
        self.lock.write_text(f"pid {pid}\n")

    def skip_count(self) -> int | None:
        return int(self.skips.read_text().split()[0]) if self.skips.exists() else None


@pytest.fixture
def cron(tmp_path: Path) -> Iterator[Cron]:
    c = Cron(tmp_path)
    try:
        yield c
    finally:
        for proc in c.procs:
            proc.kill()
            proc.wait()


def test_calls_newsdedup_run_with_the_deployment_settings(cron: Cron) -> None:
    assert cron(rc=0).returncode == 0
    args = cron.calls.read_text().split()
    assert args[:1] == ["run"]
    for flag, value in (("--input", "inbox"), ("--output", "out"), ("--config", "prod.toml")):
        assert args[args.index(flag) + 1].endswith(value)


def test_live_holder_skips_quietly_then_fails_after_max_skips(cron: Cron) -> None:
    holder = cron.live_newsdedup()
    cron.record_holder(holder)
    for n in (1, 2):
        r = cron()
        assert (r.returncode, r.stderr, cron.skip_count()) == (0, "", n)
    assert "skipped slot 2 in a row" in cron.log.read_text()
    third = cron()
    assert third.returncode == 75
    assert "3 consecutive slots" in third.stderr and str(holder) in third.stderr
    assert cron().returncode == 75  # and every slot after that, until a run gets through
    assert cron.skip_count() == 4


def test_a_run_that_gets_through_resets_the_count(cron: Cron) -> None:
    cron.record_holder(cron.live_newsdedup())
    assert cron().returncode == 0
    assert cron().returncode == 0
    assert cron(rc=0).returncode == 0
    assert cron.skip_count() is None
    assert cron().returncode == 0
    assert cron.skip_count() == 1


@pytest.mark.parametrize(("limit", "fails_at"), [("1", 1), ("2", 2), ("5", 5)])
def test_max_skips_is_configurable(cron: Cron, limit: str, fails_at: int) -> None:
    cron.record_holder(cron.live_newsdedup())
    codes = [cron(NEWSDEDUP_MAX_SKIPS=limit).returncode for _ in range(fails_at)]
    assert codes == [0] * (fails_at - 1) + [75]


@pytest.mark.parametrize("holder", ["gone", "not-newsdedup"])
def test_stale_holder_is_reported_at_once_with_the_orphans(cron: Cron, holder: str) -> None:
    orphan = cron.orphan_holding_lock()
    if holder == "gone":
        recorded = cron.dead_pid()
    else:  # the pid was reused by an unrelated process
        recorded = cron.spawn(sys.executable, "-c", "import time; time.sleep(120)").pid
    cron.record_holder(recorded)
    r = cron()
    assert r.returncode == 75
    why = "is gone" if holder == "gone" else "is not a newsdedup process"
    assert f"pid {recorded}" in r.stderr and why in r.stderr
    assert str(orphan) in r.stderr and "newsdedup-worker" in r.stderr
    assert cron.skip_count() == 1


@pytest.mark.skipif(shutil.which("flock") is None, reason="needs flock(1)")
def test_recorded_holder_gone_and_lock_free_is_an_ordinary_skip(cron: Cron) -> None:
    """The run holding the lock ended between newsdedup's attempt and the script's check: no alarm."""
    cron.record_holder(cron.dead_pid())
    r = cron()
    assert (r.returncode, r.stderr) == (0, "")
    assert cron.skip_count() == 1


@pytest.mark.parametrize(
    ("rc", "message"),
    [(0, ""), (65, "too many rejected"), (78, "bad configuration"), (1, "failed with exit 1")],
)
def test_other_exit_codes_pass_through(cron: Cron, rc: int, message: str) -> None:
    r = cron(rc=rc)
    assert r.returncode == rc
    assert message in r.stderr if message else r.stderr == ""


def test_failures_before_the_lock_keep_the_count(cron: Cron) -> None:
    cron.record_holder(cron.live_newsdedup())
    cron()
    assert cron(rc=78).returncode == 78
    assert cron.skip_count() == 1


def test_bad_max_skips_is_a_config_error(cron: Cron) -> None:
    r = cron(NEWSDEDUP_MAX_SKIPS="zero")
    assert r.returncode == 78 and "NEWSDEDUP_MAX_SKIPS" in r.stderr
    assert not cron.calls.exists()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_script_is_shellcheck_clean() -> None:
    r = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
