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
