"""Relating a run's new articles to what earlier runs saw: pure functions over frames and arrays.

The rules, chosen so that ids users have already stored never change:

- **Which history** (:mod:`.history`): retained history within ``dedup_window_days`` of the new articles is
  screened with LSH on the retained signatures; history articles that are candidates of a new article (or
  share its content hash) are pulled in with their whole duplicate group. The next state keeps what is
  within ``retention_days`` of the newest article time seen.
- **Duplicates** (:mod:`.duplicates`): the ordinary duplicate search runs on those plus the new articles; a
  new article in a group with earlier articles takes that group's existing ``dup_group_id``; when a new
  article wins the canonical rule it becomes the canonical and the earlier rows are fixed; the group id stays.
- **Topics** (:mod:`.topics`): a cluster holding earlier articles keeps the id of the earlier topic most of
  them belong to; earlier articles never change topic; clusters spanning several earlier topics do not merge
  them but are reported as merge candidates.

No files, threads or processes here: the run layer reads the history and writes the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdedup.lazy import lazy_names

if TYPE_CHECKING:
    from newsdedup.incremental.duplicates import (
        DUP_COLUMNS,
        DedupReconciled,
        apply_canonical_changes,
        dup_columns,
        duplicates_table,
        estimated_similarity,
        fix_article_rows,
        fix_duplicate_rows,
        reconcile_duplicates,
        union_docs,
    )
    from newsdedup.incremental.history import Retention, effective_time, related_history, retention
    from newsdedup.incremental.topics import (
        assign_topics,
        cluster_docs,
        group_sizes,
        reconcile_topics,
        topic_window,
        topics_table,
    )

# public name -> the module defining it, imported on first use (PEP 562): importing one module of the
# package (a constant, a type) does not load the others and the libraries they need
_LAZY = {
    "DUP_COLUMNS": "newsdedup.incremental.duplicates",
    "DedupReconciled": "newsdedup.incremental.duplicates",
    "apply_canonical_changes": "newsdedup.incremental.duplicates",
    "dup_columns": "newsdedup.incremental.duplicates",
    "duplicates_table": "newsdedup.incremental.duplicates",
    "estimated_similarity": "newsdedup.incremental.duplicates",
    "fix_article_rows": "newsdedup.incremental.duplicates",
    "fix_duplicate_rows": "newsdedup.incremental.duplicates",
    "reconcile_duplicates": "newsdedup.incremental.duplicates",
    "union_docs": "newsdedup.incremental.duplicates",
    "Retention": "newsdedup.incremental.history",
    "effective_time": "newsdedup.incremental.history",
    "related_history": "newsdedup.incremental.history",
    "retention": "newsdedup.incremental.history",
    "assign_topics": "newsdedup.incremental.topics",
    "cluster_docs": "newsdedup.incremental.topics",
    "group_sizes": "newsdedup.incremental.topics",
    "reconcile_topics": "newsdedup.incremental.topics",
    "topic_window": "newsdedup.incremental.topics",
    "topics_table": "newsdedup.incremental.topics",
}

__all__ = [
    "DUP_COLUMNS",
    "DedupReconciled",
    "Retention",
    "apply_canonical_changes",
    "assign_topics",
    "cluster_docs",
    "dup_columns",
    "duplicates_table",
    "effective_time",
    "estimated_similarity",
    "fix_article_rows",
    "fix_duplicate_rows",
    "group_sizes",
    "reconcile_duplicates",
    "reconcile_topics",
    "related_history",
    "retention",
    "topic_window",
    "topics_table",
    "union_docs",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
