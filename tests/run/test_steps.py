"""Each step of the job on a tiny corpus, one at a time: what it takes, what it returns, what it logs.

The corpus: one JSONL feed with a story in three copies (a2 an exact copy of a1, a3 an edited one), two
other stories, a repeated id and a line that is not JSON; a file that is not an input beside it.
"""

import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from newsdedup.incremental import Retention, retention
from newsdedup.io.digest import file_digest
from newsdedup.io.staging import work_folder
from newsdedup.io.state import State
from newsdedup.io.store import OutputStore, Staging
from newsdedup.params import Config, RunConfig
from newsdedup.run.cluster_step import Clustered, cluster_step
from newsdedup.run.context import RunContext
from newsdedup.run.dedup_step import Deduped, dedup_step
from newsdedup.run.discover_step import Found, discover_step
from newsdedup.run.engines import LocalEngine
from newsdedup.run.manifest import manifest_step
from newsdedup.run.read_step import Parsed, parse_step, read_step
from newsdedup.run.write_step import write_step

STORY = (
    "The city council voted on Tuesday to close the old rail yard in the north district and turn it into a "
    "park with a new school, after two years of hearings and a petition signed by four thousand residents."
)
OTHER = (
    "The home side won the cup final by two goals to one after extra time, with the winning goal scored by "
    "a substitute in the last minute in front of a crowd of forty thousand at the national stadium."
)
THIRD = (
    "Heavy rain flooded the main road into the valley overnight and the regional authority closed three "
    "bridges while engineers checked them, advising drivers to use the motorway until the weekend."
)
ROWS = [
    {
        "id": "a1",
        "title": "Council closes rail yard",
        "body": STORY,
        "source": "Gazette",
        "published_at": "2024-05-01T08:00:00Z",
    },
    {
        "id": "a2",
        "title": "Rail yard to close",
        "body": STORY,
        "source": "Herald",
        "published_at": "2024-05-01T10:00:00Z",
    },
    {
        "id": "a3",
        "title": "Rail yard closes",
        "body": STORY.replace("Tuesday", "Monday") + " The mayor welcomed it.",
        "source": "Post",
        "published_at": "2024-05-01T12:00:00Z",
    },
    {
        "id": "b1",
        "title": "Cup final won late",
        "body": OTHER,
        "source": "Herald",
        "published_at": "2024-05-01T09:00:00Z",
    },
    {"id": "c1", "title": "Floods close bridges", "body": THIRD, "source": "Gazette"},
]


@dataclass(frozen=True)
class Job:
    ctx: RunContext
    staging: Staging
    workdir: Path
    inputs: list[Path]


@pytest.fixture
def job(tmp_path: Path) -> Iterator[Job]:
    src = tmp_path / "in"
    src.mkdir()
    lines = [json.dumps(r) for r in ROWS] + [json.dumps(ROWS[0] | {"title": "again"}), "{not json"]
    (src / "feed.jsonl").write_text("\n".join(lines) + "\n")
    (src / "notes.pdf").write_bytes(b"%PDF")
    config = Config(run=RunConfig(n_jobs=1))
    state = State.empty(config.dedup)
    ctx = RunContext(config, "20240502T000000000000Z", datetime(2024, 5, 2, tzinfo=UTC), state, True, False)
    staging = OutputStore(tmp_path / "out").begin(ctx.run_id)
    with work_folder(staging.path) as workdir:
        yield Job(ctx, staging, workdir, [src])


def _found(job: Job) -> Found:
    ctx = job.ctx
    return discover_step(ctx.steps, ctx.config, job.inputs, None, ledger={}, full_refresh=False)


def _parsed(job: Job) -> Parsed:
    return parse_step(job.ctx, read_step(job.ctx, _found(job), job.workdir, LocalEngine(1)))


def _kept(job: Job, parsed: Parsed) -> Retention:
    ctx = job.ctx
    return retention(
        parsed.articles["published_at"], ctx.seen_at, ctx.state.history, ctx.config.state.retention_days
    )


def _deduped(job: Job) -> tuple[Parsed, Retention, Deduped]:
    parsed = _parsed(job)
    kept = _kept(job, parsed)
    return parsed, kept, dedup_step(job.ctx, parsed, kept.t_new, LocalEngine(1))


def _clustered(job: Job) -> tuple[Parsed, Retention, Deduped, Clustered]:
    parsed, kept, deduped = _deduped(job)
    return parsed, kept, deduped, cluster_step(job.ctx, job.staging, parsed, deduped, kept)


def test_discover_finds_the_inputs_and_skips_the_rest(job: Job) -> None:
    found = _found(job)
    assert [f.rel for f in found.files] == ["feed.jsonl"]
    assert [s.path for s in found.skipped] == ["notes.pdf"]
    assert found.already == [] and found.digests == {} and found.digest_in_read
    step = job.ctx.steps.as_dict()["discover"]
    assert step["out"] == 1 and step["skipped"] == 1 and step["already_processed"] == 0


def test_discover_leaves_out_files_an_earlier_run_processed(job: Job) -> None:
    path = str(job.inputs[0] / "feed.jsonl")
    ledger = {"xxh3_128": [file_digest(path)], "path": [path]}
    ctx = job.ctx
    found = discover_step(ctx.steps, ctx.config, job.inputs, None, ledger=ledger, full_refresh=False)
    assert found.files == [] and [f.path for f in found.already] == [path]
    assert found.digests == {path: file_digest(path)} and not found.digest_in_read


def test_read_and_parse_give_the_accepted_articles_and_count_the_rejects(job: Job) -> None:
    parsed = _parsed(job)
    arts = parsed.articles
    assert arts["article_id"].tolist() == ["a1", "a2", "a3", "b1", "c1"]
    assert arts.loc[0, "content_hash"] == arts.loc[1, "content_hash"] != arts.loc[2, "content_hash"]
    assert Counter(r.reason for r in parsed.rejects) == {"duplicate_id": 1, "malformed_json": 1}
    assert parsed.per_file == {"feed.jsonl": Counter(accepted=5, rejected=2)}
    path = str(job.inputs[0] / "feed.jsonl")
    assert parsed.digests == {path: file_digest(path)}  # hashed while reading (nothing to compare with)
    steps = job.ctx.steps.as_dict()
    assert (steps["read"]["in"], steps["read"]["out"], steps["read"]["rejected"]) == (1, 5, 2)
    assert (steps["parse"]["in"], steps["parse"]["out"]) == (5, 5)
    assert steps["parse"]["published_missing"] == 1 and steps["parse"]["title_missing"] == 0


def test_retention_keeps_what_is_within_the_retention_period(job: Job) -> None:
    parsed = _parsed(job)
    kept = _kept(job, parsed)
    # c1 has no time: it was first seen when the run started, a day after the others
    assert kept.t_new.iloc[4] == job.ctx.seen_at
    assert kept.keep_new.tolist() == [True] * 5 and kept.retained == 5


def test_dedup_groups_the_copies_under_the_earliest(job: Job) -> None:
    _, _, deduped = _deduped(job)
    cols = deduped.columns
    assert cols["is_canonical"].tolist() == [True, False, False, True, True]
    assert cols["canonical_id"].tolist() == ["a1", "a1", "a1", "b1", "c1"]
    assert cols["dup_group_id"].nunique() == 3
    assert cols["dup_method"].tolist()[:2] == ["canonical", "exact"]
    dups = deduped.duplicates
    assert dups["article_id"].tolist() == ["a2", "a3"] and set(dups["canonical_id"]) == {"a1"}
    assert deduped.changes == {} and deduped.former_canonicals == {}
    step = job.ctx.steps.as_dict()["dedup"]
    assert (step["in"], step["out"], step["duplicates"], step["history_related"]) == (5, 3, 2, 0)


def test_cluster_gives_every_article_its_canonicals_topic(job: Job) -> None:
    *_, clustered = _clustered(job)
    topic = clustered.topic_id.tolist()
    assert topic[0] == topic[1] == topic[2]
    assert len(set(topic)) == len(clustered.topics) == 3
    assert clustered.topics["size"].sum() == 5 and clustered.merges == []
    assert set(clustered.topics["representative_id"]) <= {"a1", "b1", "c1"}
    step = job.ctx.steps.as_dict()["cluster"]
    assert (step["in"], step["out"]) == (3, 3)


def test_write_puts_every_table_and_the_state_in_the_staging_version(job: Job) -> None:
    parsed, kept, deduped, clustered = _clustered(job)
    text: Future[None] = Future()
    text.set_result(None)
    write_step(job.ctx, job.staging, parsed, deduped, clustered, kept, text, _found(job))
    root = job.staging.path
    articles = pd.read_parquet(root / "articles")
    assert articles["article_id"].tolist() == ["a1", "a2", "a3", "b1", "c1"]
    assert articles["topic_id"].tolist() == clustered.topic_id.tolist()
    assert (articles["run_id"] == job.ctx.run_id).all()
    assert len(pd.read_parquet(root / "duplicates")) == 2
    assert sorted(pd.read_parquet(root / "rejects")["reason"]) == ["duplicate_id", "malformed_json"]
    assert len(pd.read_parquet(root / "topics")) == 3
    history = pq.read_table(root / "state" / "history.parquet")
    assert history.column("article_id").to_pylist() == ["a1", "a2", "a3", "b1", "c1"]
    assert pd.read_parquet(root / "state" / "ledger.parquet")["rel"].tolist() == ["feed.jsonl"]


def test_manifest_counts_what_the_steps_did(job: Job) -> None:
    parsed, kept, deduped, clustered = _clustered(job)
    result = manifest_step(job.ctx, job.staging, _found(job), parsed, deduped, clustered, kept)
    assert result.exit_code == 0 and result.status == "committed"
    c = result.counts
    assert (c["records_seen"], c["accepted"], c["rejected"], c["articles"]) == (7, 5, 2, 5)
    assert (c["canonical"], c["duplicates"], c["dup_groups"], c["topics"], c["new_topics"]) == (3, 2, 3, 3, 3)
    assert c["files"] == 1 and c["skipped_files"] == 1 and c["retained_history"] == 5
    assert result.reject_fraction == pytest.approx(2 / 7)
    written = json.loads((job.staging.path / "runs" / f"{job.ctx.run_id}.json").read_text())
    assert written["reject_reasons"] == {"duplicate_id": 1, "malformed_json": 1}
    assert written["inputs"][0]["accepted"] == 5 and written["inputs"][0]["rejected"] == 2
    assert list(written["steps"]) == ["discover", "read", "parse", "dedup", "cluster"]
    memory = written["memory"]  # the budget and the measured peak
    assert memory["budget_mb"] == job.ctx.config.run.memory_budget == 2048
    assert 0 < memory["peak_rss_mb"] <= memory["peak_rss_bound_mb"]
