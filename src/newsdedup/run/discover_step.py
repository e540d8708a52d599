"""Step 1, discover: the input files of this run, minus those earlier runs processed."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdedup.io.digest import digest_or_none
from newsdedup.io.discover import discover
from newsdedup.io.remote import fingerprint, is_remote, remote_info
from newsdedup.io.state import load_ledger, read_ledger
from newsdedup.model import InputFile, Skipped
from newsdedup.params import Config
from newsdedup.run.steps import StepLog

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger("newsdedup.run.pipeline")

__all__ = ["Found", "discover_step", "known_digests", "ledger_columns", "with_recorded_inputs"]


@dataclass(frozen=True)
class Found:
    """The files to read, those skipped (not inputs) and those already processed by an earlier run.

    ``digests``: input path -> content digest (None: unreadable), known before reading only when earlier
    runs' digests had to be compared; otherwise the read step hashes the files as it reads them
    (``digest_in_read``), so a first run over many small files reads each once."""

    files: list[InputFile]
    skipped: list[Skipped]
    already: list[InputFile]
    digests: dict[str, str | None]
    digest_in_read: bool

    @property
    def unsupported(self) -> list[str]:
        """The skipped files of a format no reader reads (``unsupported_extension``), relative paths."""
        return [k.path for k in self.skipped if k.reason == "unsupported_extension"]


def discover_step(
    steps: StepLog,
    config: Config,
    inputs: Sequence[str | Path],
    previous: Path | None,
    *,
    ledger: Mapping[str, Sequence[Any]],
    full_refresh: bool,
) -> Found:
    """Find the input files under ``inputs`` (plus the recorded ones, for a full refresh of the committed
    version ``previous``) and leave out those whose content an earlier run processed: those ``ledger``
    records (column -> values, as :func:`ledger_columns` reads them; empty when the run is not incremental).

    It runs before the run's context is made (:class:`~newsdedup.run.context.RunContext`, which loads the
    previous state) with only the previous ledger read: a run that finds nothing new loads nothing else."""
    with steps.step("discover") as s:
        options = config.input.storage_options
        files, skipped = discover(list(inputs), options)
        if full_refresh and previous is not None:
            files = with_recorded_inputs(files, load_ledger(previous), options)
        seen = set(ledger.get("xxh3_128", ()))
        digests: dict[str, str | None] = {}
        already: list[InputFile] = []
        if seen:  # the files earlier runs processed are skipped: their digests are needed now
            digests = known_digests(files, ledger)
            already = [f for f in files if digests.get(f.path) in seen]
            files = [f for f in files if digests.get(f.path) not in seen]
        s.n_out = len(files)
        s.extra.update(skipped=len(skipped), already_processed=len(already))
    found = Found(files, skipped, already, digests, digest_in_read=not seen)
    _warn_unsupported(found.unsupported, config.input.unsupported)
    return found


def ledger_columns(previous: Path | None) -> dict[str, list[Any]]:
    """The ledger of the committed version ``previous`` as column -> values (empty before the first run),
    read without pandas."""
    table = read_ledger(previous)
    return {} if table is None else table.to_pydict()


def _warn_unsupported(paths: Sequence[str], mode: str) -> None:
    """A warning (shown under --quiet) naming the first few files of a format no reader reads."""
    if not paths:
        return
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    action = "rejected as unsupported_extension" if mode == "reject" else "skipped"
    logger.warning(
        "%d input file(s) of an unsupported format %s (input.unsupported = %r): %s",
        len(paths),
        action,
        mode,
        shown,
    )


def known_digests(
    files: Sequence[InputFile], ledger: pd.DataFrame | Mapping[str, Sequence[Any]]
) -> dict[str, str | None]:
    """The content digests of ``files`` known before reading them: a local file's is computed (its bytes are
    at hand); a remote file's is the ledger's for the same URL, size and listed version (fingerprint), so
    an unchanged object is not downloaded again; one with no fingerprint is hashed here, streamed. A new or
    changed remote object is left out: the read step hashes it as it reads it."""
    recorded: dict[tuple[str, int, str], str] = {}
    if "fingerprint" in ledger:  # the column is absent from ledgers written before remote inputs
        for path, size, fp, digest in zip(
            ledger["path"], ledger["size"], ledger["fingerprint"], ledger["xxh3_128"], strict=True
        ):
            if isinstance(fp, str):
                recorded[(str(path), int(size), fp)] = str(digest)
    digests: dict[str, str | None] = {}
    for f in files:
        if f.fs is None or f.fingerprint is None:
            digests[f.path] = digest_or_none(f.path, f.size, f.fs)
        elif (got := recorded.get((f.path, f.size, f.fingerprint))) is not None:
            digests[f.path] = got
    return digests


def _recorded_remote(row: Any, options: Mapping[str, Any]) -> InputFile | None:
    """A remote input recorded in the ledger, as listed now; None when it is gone."""
    got = remote_info(str(row.path), options)
    if got is None:
        return None
    fs, info = got
    return InputFile(
        str(row.path),
        str(row.rel),
        str(row.root),
        str(row.format),
        int(info.get("size") or -1),
        fs,
        fingerprint(info),
    )


def with_recorded_inputs(
    files: list[InputFile], ledger: pd.DataFrame, options: Mapping[str, Any] | None = None
) -> list[InputFile]:
    """Add the inputs recorded by earlier runs (those still on disk) to the discovered ones, for a full refresh."""
    have = {f.path for f in files}
    out = list(files)
    for row in ledger.itertuples(index=False):
        if str(row.path) in have:
            continue
        if is_remote(str(row.path)):
            got = _recorded_remote(row, options or {})
            if got is None:
                logger.warning(
                    "recorded input %s is gone; its articles are not in the refreshed output", row.path
                )
            else:
                out.append(got)
                have.add(got.path)
            continue
        path = Path(str(row.path))
        if not path.is_file():
            logger.warning("recorded input %s is gone; its articles are not in the refreshed output", path)
            continue
        out.append(
            InputFile(
                path=str(path),
                rel=str(row.rel),
                root=Path(str(row.root)),
                format=str(row.format),
                size=path.stat().st_size,
            )
        )
        have.add(str(path))
    return sorted(out, key=lambda f: f.rel)
