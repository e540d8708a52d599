"""find_duplicates reports its progress through the callback it is given, with counts that add up."""

from collections import defaultdict

import pandas as pd

from newsdedup.dedup import find_duplicates
from newsdedup.model import map_with_progress, no_progress, serial_map
from tests.dedup.planted import PLANTED, frame


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def __call__(self, step: str, done: int, total: int, /) -> None:
        self.counts[step][0] += done
        self.counts[step][1] += total


def test_sketching_and_verification_report_every_unit() -> None:
    docs = frame(PLANTED)
    tally = _Tally()
    result = find_duplicates(docs, progress=tally)
    sketched = tally.counts["dedup: sketching"]
    assert sketched == [len(docs), len(docs)]
    pairs = result.stats["verified_pairs"] + result.stats["false_positives"]
    assert tally.counts["dedup: verifying pairs"] == [pairs, pairs] and pairs > 0
    plain = find_duplicates(docs)
    pd.testing.assert_frame_equal(result.assignments, plain.assignments)  # reporting changes nothing


def test_map_with_progress_counts_units_of_each_item_shape() -> None:
    tally = _Tally()
    mapped = map_with_progress(serial_map, tally, "s")
    assert mapped(lambda x: x, [slice(0, 3), (3, 5), range(4), "one"]) == [
        slice(0, 3),
        (3, 5),
        range(4),
        "one",
    ]
    assert tally.counts["s"] == [10, 10]
    assert map_with_progress(serial_map, no_progress, "s") is serial_map
