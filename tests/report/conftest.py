"""An output folder of two runs over the report's hand-made corpus, shared by the report's tests."""

from pathlib import Path

import pytest

from newsdedup.params import Config
from newsdedup.run.pipeline import run
from tests.report.corpus import first_batch, second_batch, write_jsonl


@pytest.fixture(scope="session")
def report_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    out = root / "out"
    first = write_jsonl(first_batch(), root / "first.jsonl")
    assert run([first], out, Config()).exit_code == 0
    second = write_jsonl(second_batch(), root / "second.jsonl")
    assert run([second], out, Config()).exit_code == 0
    return out
