"""Shared fixtures: paths to the bundled sample corpus and the optional shared data."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "newsdedup" / "sample"
SHARED = REPO.parent / "shared"


@pytest.fixture
def sample_inputs() -> list[str]:
    return [str(SAMPLE / "raw"), str(SAMPLE / "feed.jsonl")]


@pytest.fixture
def seed_dir() -> Path:
    path = SHARED / "seed"
    if not path.is_dir() or not any(path.glob("*.txt")):
        pytest.skip("../shared/seed is not present")
    return path


@pytest.fixture(scope="session", autouse=True)
def _compiled_kernels(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build (fresh checkout) or load numba's on-disk cache of the compiled kernels once per test process,
    by running the job on the sample, so tests that start the CLI in a subprocess load them instead of each
    compiling them again."""
    from newsdedup.params import Config
    from newsdedup.run.pipeline import run

    run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], tmp_path_factory.mktemp("warm") / "out", Config())
