"""Connected components of the duplicate graph."""

from __future__ import annotations

import numpy as np

from newsdedup.dedup.groups import group_components


def test_group_components_labels_by_first_node() -> None:
    labels = group_components(5, np.array([3, 0]), np.array([4, 2]))
    assert labels.tolist() == [0, 1, 0, 2, 2]
