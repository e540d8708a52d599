"""Pure story clustering: features, neighbour graph, linkage, topic description, and their kernels.

``story_features`` (features) turns each article into its weighted terms; ``cluster_stories`` (stories)
groups the canonical articles into stories through ``StoryModel`` (estimator: the run's terms and
neighbour graph in ``graph``, average linkage in ``linkage``) and describes them (``describe``);
``story_clusters`` also gives each story's centroid, from which ``themes`` groups stories into broad subjects.
Per-language rules (stop words, elisions, n-grams of unspaced scripts) are in ``languages``; stories never
span two known languages (``linkage``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdedup.lazy import lazy_names

if TYPE_CHECKING:
    from newsdedup.cluster.describe import TOPIC_COLUMNS, topic_id_for
    from newsdedup.cluster.estimator import StoryModel
    from newsdedup.cluster.features import StoryFeatures, story_features
    from newsdedup.cluster.languages import elided_text, elides
    from newsdedup.cluster.stories import cluster_stories, story_clusters

# public name -> the module defining it, imported on first use (PEP 562): importing one module of the
# package (a constant, a type) does not load the others and the libraries they need
_LAZY = {
    "TOPIC_COLUMNS": "newsdedup.cluster.describe",
    "topic_id_for": "newsdedup.cluster.describe",
    "StoryModel": "newsdedup.cluster.estimator",
    "StoryFeatures": "newsdedup.cluster.features",
    "story_features": "newsdedup.cluster.features",
    "elided_text": "newsdedup.cluster.languages",
    "elides": "newsdedup.cluster.languages",
    "cluster_stories": "newsdedup.cluster.stories",
    "story_clusters": "newsdedup.cluster.stories",
}

__all__ = [
    "TOPIC_COLUMNS",
    "StoryFeatures",
    "StoryModel",
    "cluster_stories",
    "elided_text",
    "elides",
    "story_clusters",
    "story_features",
    "topic_id_for",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
