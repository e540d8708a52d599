"""The canonical rule: the vectorised choice against a plain sequential reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.dedup.canonical import DocKeys, choose_canonicals
from newsdedup.params import CANONICAL_RULES
from tests.dedup.reference import choose_canonical


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([None, 1, 2]), st.integers(0, 2), st.sampled_from([None, "AP", "Reuters"])),
        min_size=2,
        max_size=7,
    ),
    st.permutations(list(CANONICAL_RULES)),
)
def test_vectorised_canonical_choice_matches_sequential_rule(
    rows: list[tuple[int | None, int, str | None]], rule: list[str]
) -> None:
    n = len(rows)
    pub = np.array([np.iinfo(np.int64).max if p is None else p * 60_000_000_000 for p, _, _ in rows])
    sources = np.array([s for _, _, s in rows], dtype=object)
    keys = DocKeys(
        ids=np.array([f"id{i}" for i in range(n)], dtype=object),
        pub_ns=pub.astype(np.int64),
        has_pub=np.array([p is not None for p, _, _ in rows]),
        body_len=np.array([b for _, b, _ in rows], dtype=np.int64),
        source_rank=np.array([{"Reuters": 0, "AP": 1}.get(s, 2) for s in sources.tolist()], dtype=np.int64),
        sources=sources,
    )
    members = np.arange(n)[::-1].copy()
    winners, reasons = choose_canonicals(np.zeros(n, dtype=np.int64), members, keys, tuple(rule))
    assert (int(winners[0]), reasons[0]) == choose_canonical(members, keys, tuple(rule))
    # several groups at once: each gets the choice it gets alone
    split = n // 2
    group = np.r_[np.zeros(split, dtype=np.int64), np.ones(n - split, dtype=np.int64)]
    if split >= 2 and n - split >= 2:
        winners, reasons = choose_canonicals(group, members, keys, tuple(rule))
        for g, part in enumerate((members[:split], members[split:])):
            assert (int(winners[g]), reasons[g]) == choose_canonical(part, keys, tuple(rule))
