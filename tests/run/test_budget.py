"""run.memory_budget: validated at load, and what is derived from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdedup.config import load_config
from newsdedup.errors import ConfigError
from newsdedup.params import RunConfig
from newsdedup.run.budget import PAIR_BYTES, block_pairs, memory_record, workers


@pytest.mark.parametrize("value", ["100", "'2GB'", "true", "2048.5", "33554432"])
def test_budget_key_is_validated_at_load(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[run]\nmemory_budget = {value}\n")
    with pytest.raises(ConfigError, match="memory_budget"):
        load_config(path, environ={})


def test_budget_from_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[run]\nmemory_budget = 4096\n")
    assert load_config(path, environ={}).run.memory_budget == 4096
    assert load_config(None, environ={"NEWSDEDUP_RUN__MEMORY_BUDGET": "512"}).run.memory_budget == 512
    assert load_config(None, environ={}).run.memory_budget == 2048


def test_blocks_and_workers_follow_the_budget() -> None:
    default = RunConfig()
    assert block_pairs(default) == 2048 * (1 << 20) // 4 // PAIR_BYTES  # a quarter of 2 GB
    assert block_pairs(RunConfig(memory_budget=4096)) == 2 * block_pairs(default)
    assert block_pairs(RunConfig(memory_budget=256)) >= 1 << 16
    assert workers(default) == 2
    assert workers(RunConfig(memory_budget=512, n_jobs=8)) == 1  # half of 512 MB holds no second worker
    assert workers(RunConfig(memory_budget=8192, n_jobs=3)) == 3  # never more than n_jobs


def test_memory_record_names_budget_and_peak() -> None:
    got = memory_record(RunConfig(memory_budget=1024))
    assert got["budget_mb"] == 1024 and got["candidate_block_pairs"] == block_pairs(
        RunConfig(memory_budget=1024)
    )
    assert got["peak_rss_mb"] > 0 and got["peak_rss_bound_mb"] >= got["peak_rss_mb"]
