"""Metrics on tiny label vectors with hand-computed answers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.metrics import adjusted_rand, bcubed_prf, nmi, pairwise_prf


@pytest.mark.parametrize(
    ("description", "pred", "true", "expected"),
    [
        ("identical partitions", [1, 1, 2], ["a", "a", "b"], (1.0, 1.0, 1.0)),
        ("one big cluster: 1 of 3 pairs right", [0, 0, 0], ["a", "a", "b"], (1 / 3, 1.0, 0.5)),
        ("all singletons: nothing claimed, one pair missed", [0, 1, 2], ["a", "a", "b"], (1.0, 0.0, 0.0)),
        ("no pairs on either side", [0, 1], ["a", "b"], (1.0, 1.0, 1.0)),
    ],
)
def test_pairwise_prf(description: str, pred: list, true: list, expected: tuple) -> None:
    assert pairwise_prf(pred, true) == pytest.approx(expected), description


def test_bcubed_hand_computed() -> None:
    # pred {0,1,2},{3}; true {0,1},{2,3}
    # precision: items 0,1 -> 2/3 each, item 2 -> 1/3, item 3 -> 1  => (2/3+2/3+1/3+1)/4 = 2/3
    # recall:    items 0,1 -> 1, item 2 -> 1/2, item 3 -> 1/2        => 3/4
    p, r, f = bcubed_prf([0, 0, 0, 1], ["x", "x", "y", "y"])
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(3 / 4)
    assert f == pytest.approx(2 * (2 / 3) * (3 / 4) / (2 / 3 + 3 / 4))


def test_ari_nmi_perfect_and_length_check() -> None:
    assert adjusted_rand(["a", "a", "b"], [5, 5, 7]) == pytest.approx(1.0)
    assert nmi(["a", "a", "b"], [5, 5, 7]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same length"):
        bcubed_prf([1], [1, 2])


labels = st.lists(st.integers(0, 4), min_size=1, max_size=30)


@given(labels, labels)
def test_scores_in_unit_interval_and_pairwise_symmetric(a: list[int], b: list[int]) -> None:
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    for score in (*pairwise_prf(a, b), *bcubed_prf(a, b)):
        assert 0.0 <= score <= 1.0 + 1e-12
    # swapping roles swaps precision and recall
    p, r, _ = pairwise_prf(a, b)
    p2, r2, _ = pairwise_prf(b, a)
    assert (p, r) == pytest.approx((r2, p2))
