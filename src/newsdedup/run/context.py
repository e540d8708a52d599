"""What every step of one run reads and nothing changes: the config, the run's id and start, its mode, the
previous state, and where the steps log their counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdedup.config import config_to_dict
from newsdedup.io.state import State, load_state
from newsdedup.params import Config
from newsdedup.run.progress import Progress
from newsdedup.run.steps import StepLog

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunContext", "is_incremental", "new_run_id", "pipeline_metadata"]


def new_run_id() -> str:
    """A run's id: the UTC time it started, so runs sort in order."""
    # Run ids name runs, not data: article, group and topic ids are derived from content and never from it.
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def is_incremental(config: Config, full_refresh: bool) -> bool:
    """Whether a run relates to the previous state: the default, unless a full refresh or ``[state]
    incremental`` off (then it starts from an empty state)."""
    return config.state.incremental and not full_refresh


def pipeline_metadata(config: Config) -> dict[str, Any]:
    """Parameters recorded in every table's Parquet metadata."""
    from newsdedup import __version__  # looked up on first use: the metadata lookup is slow to import

    d = config.dedup
    return {
        "newsdedup_version": __version__,
        "minhash": {"scheme": d.scheme, "seed": d.seed, "num_perm": d.num_perm},
        "dedup": config_to_dict(config)["dedup"],
        "cluster": config_to_dict(config)["cluster"],
    }


@dataclass(frozen=True)
class RunContext:
    """The fixed facts of one run, passed to every step.

    ``incremental``: relate to the previous state (else a snapshot or a full refresh, which starts from an
    empty state); ``state``: the previous run's ledger and retained history (empty when not incremental);
    ``steps``: the log each step adds its record to (for the log lines and the manifest)."""

    config: Config
    run_id: str
    started: datetime
    state: State
    incremental: bool
    full_refresh: bool
    steps: StepLog = field(default_factory=StepLog)
    progress: Progress = field(default_factory=lambda: Progress(enabled=False))

    @classmethod
    def begin(
        cls,
        config: Config,
        previous: Path | None,
        run_id: str,
        started: datetime,
        *,
        full_refresh: bool,
        progress: Progress | None,
        steps: StepLog | None = None,
    ) -> RunContext:
        """The context of a run on the committed version ``previous`` (None before the first run): its state
        loaded when the run is incremental (the default, unless a full refresh or ``[state] incremental``
        off). ``steps``: the log the steps before this (discover) wrote to."""
        incremental = is_incremental(config, full_refresh)
        state = load_state(previous, config.dedup) if incremental else State.empty(config.dedup)
        return cls(
            config,
            run_id,
            started,
            state,
            incremental,
            full_refresh,
            steps=steps or StepLog(),
            progress=progress or Progress(enabled=False),
        )

    @property
    def seen_at(self) -> pd.Timestamp:
        """When the run's articles were first seen: the run's start."""
        import pandas as pd

        return pd.Timestamp(self.started)

    @property
    def meta(self) -> dict[str, Any]:
        """The parameters recorded in the tables' metadata."""
        return pipeline_metadata(self.config)
