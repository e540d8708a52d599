"""Pure story clustering: features, neighbour graph, linkage, topic description, and their kernels.

``story_features`` (features) turns each article into its weighted terms; ``cluster_stories`` (stories)
groups the canonical articles into stories through ``StoryModel`` (estimator: the run's terms and
neighbour graph in ``graph``, average linkage in ``linkage``) and describes them (``describe``);
``story_clusters`` also gives each story's centroid, from which ``themes`` groups stories into broad subjects.
Per-language rules (stop words, elisions, n-grams of unspaced scripts) are in ``languages``; stories never
span two known languages (``linkage``).
"""

from newsdedup.cluster.describe import TOPIC_COLUMNS, topic_id_for
from newsdedup.cluster.estimator import StoryModel
from newsdedup.cluster.features import StoryFeatures, story_features
from newsdedup.cluster.languages import elided_text, elides
from newsdedup.cluster.stories import cluster_stories, story_clusters

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
