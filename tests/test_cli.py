"""The command line in-process: help everywhere, exit codes, the seed and the hostile corpus end to end."""

import json
from pathlib import Path

import pandas as pd
import pytest

from newsdedup import __version__
from newsdedup.cli import main
from newsdedup.io.store import OutputStore
from tests.hostile import write_hostile_corpus


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["run", "--help"], ["evaluate", "--help"], ["status", "--help"], ["report", "--help"]],
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert "usage:" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize(
    ("description", "argv", "code"),
    [
        ("no command", [], 2),
        ("unknown option", ["run", "--bogus"], 2),
        ("missing required --output", ["run", "--input", "x"], 2),
    ],
)
def test_usage_errors_exit_2(description: str, argv: list[str], code: int) -> None:
    assert main(argv) == code, description


def test_missing_input_path_exits_2(tmp_path: Path) -> None:
    assert main(["run", "--input", str(tmp_path / "absent"), "--output", str(tmp_path / "o"), "--quiet"]) == 2


def test_bad_config_exits_78_and_names_the_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[dedup]\nthreshold = 7\n")
    code = main(["run", "--input", str(tmp_path), "--output", str(tmp_path / "o"), "--config", str(cfg)])
    assert code == 78
    assert not (tmp_path / "o" / "articles").exists()


def test_lock_held_exits_75_without_touching_output(tmp_path: Path, sample_inputs: list[str]) -> None:
    out = tmp_path / "o"
    with OutputStore(out).lock():
        code = main(["run", "--input", *sample_inputs, "--output", str(out), "--quiet"])
    assert code == 75
    assert not (out / "articles").exists()


def test_seed_parses_exactly(tmp_path: Path, seed_dir: Path) -> None:
    out = tmp_path / "o"
    assert main(["run", "--input", str(seed_dir), "--output", str(out), "--quiet"]) == 0
    articles = pd.read_parquet(out / "articles")
    assert len(articles) == 1
    a = articles.iloc[0]
    assert a["title"] == "China urged to stop North Korea’s support for Ukraine war by NATO, EU"
    assert a["author"] == "Robert Besser"
    assert a["published_at"] == pd.Timestamp("2024-11-18 04:55", tz="UTC")
    assert a["location"] == "BRUSSELS, Belgium"
    assert len(a["summary"]) == 3
    assert a["body"].startswith("NATO and the European Union are intensifying")
    assert a["body"].endswith("potential peace negotiations.")
    for footer in ("Share article", "Tweet"):
        assert footer not in a["body"]


def test_hostile_corpus_reconciles(tmp_path: Path) -> None:
    expected = write_hostile_corpus(tmp_path / "in")
    out = tmp_path / "o"
    code = main(["run", "--input", str(tmp_path / "in"), "--output", str(out), "--quiet"])
    assert code in (0, 65)
    articles = pd.read_parquet(out / "articles")
    rejects = pd.read_parquet(out / "rejects")
    assert len(articles) == expected["accepted"]
    assert len(rejects) == expected["rejected"]
    assert articles["article_id"].is_unique
    assert rejects["reason"].notna().all() and (rejects["reason"] != "").all()
    manifest = json.loads(next((out / "runs").glob("*.json")).read_text())
    counts = manifest["counts"]
    assert counts["records_seen"] == counts["accepted"] + counts["rejected"]
    for f in manifest["inputs"]:
        assert f["records_seen"] == f["accepted"] + f["rejected"]
    assert sum(f["accepted"] for f in manifest["inputs"]) == expected["accepted"]
    assert len(manifest["skipped"]) == expected["skipped"]


def test_too_many_rejects_exits_65_and_still_writes(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "good.txt").write_text("A headline\n\nA body sentence that is long enough to count as text.\n")
    for i in range(3):
        (inp / f"empty{i}.txt").write_text("   \n")
    out = tmp_path / "o"
    assert main(["run", "--input", str(inp), "--output", str(out), "--quiet"]) == 65
    assert len(pd.read_parquet(out / "articles")) == 1
    assert len(pd.read_parquet(out / "rejects")) == 3


def test_evaluate_and_status(
    tmp_path: Path, sample_inputs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    assert main(["run", "--input", *sample_inputs, "--output", str(out), "--quiet"]) == 0
    labels = Path(sample_inputs[0]).parent / "labels.csv"
    capsys.readouterr()
    assert main(["evaluate", "--output", str(out), "--labels", str(labels), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["matched"] == report["labelled"]
    assert report["duplicates"]["pairwise"]["f1"] >= 0.95
    assert report["topics"]["bcubed"]["f1"] >= 0.85
    assert main(["status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "last run committed: yes" in text


def test_json_logs_are_json_lines(
    tmp_path: Path, sample_inputs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    assert main(["run", "--input", *sample_inputs, "--output", str(out), "--log-format", "json"]) == 0
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    records = [json.loads(ln) for ln in lines]
    steps = [r["step"] for r in records if "step" in r]
    assert steps[:6] == ["discover", "read", "parse", "dedup", "cluster", "write"]


def test_foreign_output_folder_is_refused_before_any_work(tmp_path: Path, sample_inputs: list[str]) -> None:
    out = tmp_path / "o"
    (out / "articles").mkdir(parents=True)
    (out / "articles" / "mine.txt").write_text("someone else's data")
    assert main(["run", "--input", *sample_inputs, "--output", str(out), "--quiet"]) == 1
    assert (out / "articles" / "mine.txt").read_text() == "someone else's data"
    assert not (out / "_versions").exists()


def test_run_command_freezes_the_heap_only_while_the_run_lasts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from newsdedup import api  # the command's call (newsdedup.run)

    seen: list[int] = []
    real = api.run

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_freeze_count())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    before = gc.get_freeze_count()
    monkeypatch.setattr(api, "run", spy)
    (tmp_path / "in").mkdir()
    assert main(["run", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "o"), "--quiet"]) == 0
    # also after an error
    missing = ["run", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "o"), "--quiet"]
    assert main(missing) == 2
    assert len(seen) == 2 and all(n > before for n in seen)
    assert gc.get_freeze_count() == before


def test_process_settings_cap_malloc_arenas_on_glibc() -> None:
    import platform

    from newsdedup.cli import cap_malloc_arenas, map_large_blocks, process_settings

    with process_settings():
        pass
    assert cap_malloc_arenas() == (platform.libc_ver()[0] == "glibc")
    assert map_large_blocks() == (platform.libc_ver()[0] == "glibc")


def test_cancel_wrapped_by_c_code_still_exits_143(
    tmp_path: Path, sample_inputs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGTERM handler raising while C code calls back into Python surfaces as SystemError "returned a
    result with an exception set" whose cause is the cancel: the run is cancelled (143), not failed (1)."""
    import signal

    from newsdedup.errors import RunCancelled
    from newsdedup.run import pipeline

    def cancelled_inside_c(*_args: object, **_kwargs: object) -> None:
        try:
            raise RunCancelled(signal.SIGTERM)
        except RunCancelled as cancel:
            raise SystemError("<function doc_terms> returned a result with an exception set") from cancel

    monkeypatch.setattr(pipeline, "_steps", cancelled_inside_c)
    out = tmp_path / "o"
    code = main(["run", "--input", *sample_inputs, "--output", str(out), "--quiet"])
    assert code == 143
    last = OutputStore(out).last_run()
    assert last is not None and last["status"] == "cancelled"
    assert not list((out / "_versions").glob("*.staging")), "the cancelled run left staged files"
