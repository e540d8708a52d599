"""The run's memory budget (``run.memory_budget``): what the parts of a run may hold, and the peak measured.

The main process keeps compact arrays per article (ids, times, digests); the shingle hashes and the
signatures stay on disk in the staging version (read-only memmaps read in bounded blocks,
:mod:`newsdedup.dedup.mapped` and :mod:`newsdedup.dedup.verify`). What grows with the data beyond
that is the duplicate search's candidate pairs: they are generated, verified and reduced to edges in blocks
(:func:`newsdedup.dedup.lsh.candidate_blocks`) whose size comes from the budget, so their volume costs
passes, not memory. The read workers each hold one task (``run.chunk_bytes`` of input, parsed and sketched):
how many run at once also comes from the budget.
"""

from __future__ import annotations

import resource
from typing import Any

from newsdedup.params import RunConfig

__all__ = ["BLOCK_SHARE", "PAIR_BYTES", "WORKER_MB", "block_pairs", "memory_record", "workers"]

#: Bytes one candidate pair costs while its block is verified: its code in the pair set (kept at most half
#: full: 16), the pair's indices and document rows (32), Jaccard, containment, the masks and the kept copies.
PAIR_BYTES = 80
#: Share of the budget the candidate block in flight may use; the rest holds the run's per-article arrays,
#: the verification read buffers and the workers.
BLOCK_SHARE = 0.25
#: Megabytes allowed per read worker (a 4 MB task parsed, its frames and sketches, and the interpreter).
WORKER_MB = 320
_MB = 1 << 20


def block_pairs(run: RunConfig) -> int:
    """Candidate pairs per block of the duplicate search under the budget (at least 65,536)."""
    return max(1 << 16, int(run.memory_budget * _MB * BLOCK_SHARE) // PAIR_BYTES)


def workers(run: RunConfig) -> int:
    """Read worker processes: ``run.n_jobs``, fewer when half the budget cannot hold that many workers."""
    return max(1, min(run.n_jobs, (run.memory_budget // 2) // WORKER_MB))


def memory_record(run: RunConfig) -> dict[str, Any]:
    """The budget, what was derived from it, and the peaks measured so far, for the run manifest: this
    process's peak RSS, the largest peak of a finished worker process, and their sum (an upper bound of the
    run's peak total, as the two peaks need not coincide)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "budget_mb": run.memory_budget,
        "candidate_block_pairs": block_pairs(run),
        "workers": workers(run),
        "peak_rss_mb": round(own, 1),
        "peak_rss_workers_mb": round(child, 1),
        "peak_rss_bound_mb": round(own + child, 1),
        "within_budget": own + child <= run.memory_budget,
    }
