"""Duplicate groups: connected components over kept edges, canonicals, and the chaining guard.

A member stays in a group only if it is an exact copy of the canonical, verified-similar to it (directly),
or - if it is not short - linked by a kept edge to a direct member *and* at least ``chain_floor`` similar
to the canonical; the others are split off and grouped again among themselves with the same rule. Groups
whose members are all direct (nearly all) are settled in one vectorised pass (:func:`assign_groups`); only
the others go through :func:`guard_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from newsdedup.dedup.canonical import DocKeys, choose_canonicals
from newsdedup.dedup.verify import edge_rule, keep_edges, verify_pairs
from newsdedup.params import DedupParams

__all__ = ["METHODS", "Assignment", "Prepared", "assign_groups", "group_components", "guard_groups"]

#: How a document joined its group; :attr:`Assignment.method` holds indices into this.
METHODS = ("canonical", "exact", "near", "containment")

#: A guarded group: (canonical, reason, members, similarity to the canonical, method per member).
GuardedGroup = tuple[int, str, np.ndarray, np.ndarray, np.ndarray]


def group_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components over edges ``(left[i], right[i])`` of ``n`` nodes; labels numbered by first node."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Relabel by smallest member so labels depend only on node order, not on scipy's traversal.
    first = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n))
    return np.asarray(np.argsort(np.argsort(first))[labels], dtype=np.int64)


@dataclass
class Prepared:
    """Representative-level arrays shared by the grouping steps (internal order)."""

    rep_of: np.ndarray  # doc -> representative doc (exact copies share it); -1 for empty texts
    rep_index: np.ndarray  # doc -> row in the representative arrays, -1 for empty texts
    reps: np.ndarray  # representative doc indices
    rows: np.ndarray  # representative -> row of hashes/offsets (input order)
    hashes: np.ndarray
    offsets: np.ndarray
    tokens: np.ndarray  # words per representative
    # Verified candidate pairs, as sorted codes min*n+max with their Jaccard and containment, for reuse.
    pair_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_jac: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair_con: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Kept edges as adjacency lists (both directions): neighbours of r are nbrs[indptr[r]:indptr[r + 1]].
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    nbrs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def set_edges(self, left: np.ndarray, right: np.ndarray) -> None:
        """Store the kept edges for :meth:`neighbours`."""
        src, dst = np.concatenate([left, right]), np.concatenate([right, left])
        order = np.argsort(src, kind="stable")
        self.nbrs = dst[order].astype(np.int64)
        self.indptr = np.zeros(len(self.reps) + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=len(self.reps)), out=self.indptr[1:])

    def neighbours(self, r: int) -> np.ndarray:
        """Representatives joined to ``r`` by a kept edge."""
        return self.nbrs[self.indptr[r] : self.indptr[r + 1]]

    def similarities(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(jaccard, containment) of representative pairs, reusing already verified candidate pairs."""
        n = len(self.reps)
        codes = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
        jac, con = np.ones(len(a)), np.ones(len(a))
        pos = np.minimum(np.searchsorted(self.pair_codes, codes), max(len(self.pair_codes) - 1, 0))
        known = (self.pair_codes[pos] == codes) if len(self.pair_codes) else np.zeros(len(a), dtype=bool)
        jac[known], con[known] = self.pair_jac[pos[known]], self.pair_con[pos[known]]
        todo = np.flatnonzero(~known & (a != b))
        if len(todo):
            jac[todo], con[todo] = verify_pairs(
                self.hashes, self.offsets, self.rows[a[todo]], self.rows[b[todo]]
            )
        return jac, con


@dataclass
class Assignment:
    """Per document (internal order): its canonical, similarity to it, method (index into :data:`METHODS`)
    and canonical reason (index into ``reasons``); and how many groups have two or more documents."""

    canonical: np.ndarray
    similarity: np.ndarray
    method: np.ndarray
    reason: np.ndarray
    reasons: list[str]
    multi_groups: int = 0

    @classmethod
    def alone(cls, n: int) -> Assignment:
        """Every document its own canonical, "only member"."""
        return cls(
            canonical=np.arange(n, dtype=np.int64),
            similarity=np.ones(n, dtype=np.float64),
            method=np.zeros(n, dtype=np.int8),  # METHODS[0] is "canonical"
            reason=np.zeros(n, dtype=np.int64),
            reasons=["only member"],
        )


def assign_groups(
    labels_rep: np.ndarray,
    prep: Prepared,
    keys: DocKeys,
    params: DedupParams,
    stats: dict[str, int | float],
) -> Assignment:
    """Canonicals and chaining guard for every component (``labels_rep``: component of each representative),
    vectorised: a group whose members are all directly verified against its canonical is final; only the
    others go through :func:`guard_groups` member by member."""
    out = Assignment.alone(len(prep.rep_index))
    stats["chain_splits"] = 0
    members, starts = _multi_member_groups(labels_rep, prep)
    if len(members) == 0:
        return out
    group = np.cumsum(starts) - 1
    all_direct = _settle_direct_groups(members, group, prep, keys, params, out)
    bounds = np.flatnonzero(np.r_[starts, True])
    slow = [members[bounds[g] : bounds[g + 1]] for g in np.flatnonzero(~all_direct)]
    out.multi_groups = int(all_direct.sum())
    method_code = {m: i for i, m in enumerate(METHODS)}
    for c, why, mem, sims, meths in guard_groups(slow, prep, keys, params, stats):
        out.canonical[mem] = c
        out.similarity[mem] = sims
        out.method[mem] = [method_code[m] for m in meths.tolist()]
        out.reason[mem] = len(out.reasons)
        out.reasons.append(why)
        out.multi_groups += int(len(mem) > 1)
    return out


def _multi_member_groups(labels_rep: np.ndarray, prep: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Documents of components with two or more documents, ordered by component (stable), and a mask of
    where each component starts."""
    n = len(prep.rep_index)
    has_rep = prep.rep_index >= 0
    doc_label = np.full(n, -1, dtype=np.int64)
    doc_label[has_rep] = labels_rep[prep.rep_index[has_rep]]
    sizes = np.bincount(doc_label[has_rep], minlength=len(labels_rep))
    in_multi = np.flatnonzero(has_rep)
    in_multi = in_multi[sizes[doc_label[in_multi]] > 1]
    members = in_multi[np.argsort(doc_label[in_multi], kind="stable")]
    lab = doc_label[members]
    return members, np.r_[True, lab[1:] != lab[:-1]][: len(members)]


def _settle_direct_groups(
    members: np.ndarray,
    group: np.ndarray,
    prep: Prepared,
    keys: DocKeys,
    params: DedupParams,
    out: Assignment,
) -> np.ndarray:
    """Choose every group's canonical and write the groups whose members are all direct into ``out``;
    returns which groups those were."""
    n_groups = int(group[-1]) + 1
    canon, group_reasons = choose_canonicals(group, members, keys, params.canonical_rule)
    ra, rb = prep.rep_index[members], prep.rep_index[canon[group]]
    jac, con = prep.similarities(ra, rb)
    near, contained, sim = edge_rule(jac, con, prep.tokens[ra], prep.tokens[rb], params)
    exact = ra == rb
    direct = exact | near | contained
    all_direct = np.bincount(group, weights=~direct, minlength=n_groups) == 0
    ok = all_direct[group]
    code = np.where(exact, 1, np.where(contained, 3, 2)).astype(np.int8)  # indices into METHODS
    code[members == canon[group]] = 0
    fm = members[ok]
    out.canonical[fm] = canon[group[ok]]
    out.similarity[fm] = np.where(exact, 1.0, sim)[ok]
    out.method[fm] = code[ok]
    out.reason[fm] = group[ok] + len(out.reasons)
    out.reasons.extend(group_reasons.tolist())
    return all_direct


@dataclass(frozen=True)
class _Checked:
    """Members of groups checked against their group's canonical (parallel arrays)."""

    reps: np.ndarray  # the member's representative
    jaccard: np.ndarray
    containment: np.ndarray
    direct: np.ndarray  # an exact copy of the canonical, or verified-similar to it
    method: np.ndarray  # "exact", "near", "containment" or "" (object)
    similarity: np.ndarray

    def part(self, sl: slice) -> _Checked:
        """The members in ``sl`` (views)."""
        return _Checked(*(getattr(self, f.name)[sl] for f in fields(self)))


def guard_groups(
    components: list[np.ndarray],
    prep: Prepared,
    keys: DocKeys,
    params: DedupParams,
    stats: dict[str, int | float],
) -> list[GuardedGroup]:
    """Choose canonicals and apply the chaining guard (module docstring) to groups of >= 2 documents.

    A member is kept when it is an exact copy of the canonical, or verified-similar to it (same edge rule
    as the LSH edges, checked exactly even if LSH missed that pair), or - if it is not short - joined by a
    kept edge to such a direct member while its own similarity to the canonical is >= chain_floor. Members
    that fail are split off, re-grouped by connectivity among themselves, and the rule is applied again.
    """
    out: list[GuardedGroup] = []
    pending = components
    splits = 0
    while pending:
        canon, reasons, checked = _check_round(pending, prep, keys, params)
        next_pending: list[np.ndarray] = []
        pos = 0
        for g, members in enumerate(pending):
            c = int(canon[g])
            part = checked.part(slice(pos, pos + len(members)))
            pos += len(members)
            accepted, sims, methods = _accept(members, c, part, prep, params)
            out.append((c, reasons[g], members[accepted], sims[accepted], methods[accepted]))
            rest = members[~accepted]
            splits += len(rest)
            for grp in _split_off(rest, prep):
                if len(grp) > 1:
                    next_pending.append(grp)
                else:
                    out.append(
                        (int(grp[0]), "only member", grp, np.ones(1), np.array(["canonical"], dtype=object))
                    )
        pending = next_pending
    stats["chain_splits"] = splits
    return out


def _check_round(
    pending: list[np.ndarray], prep: Prepared, keys: DocKeys, params: DedupParams
) -> tuple[np.ndarray, np.ndarray, _Checked]:
    """Canonical and reason of each pending group, and every member checked against its canonical (the
    member/canonical pairs of all pending groups verified in one batch)."""
    group = np.repeat(np.arange(len(pending), dtype=np.int64), [len(m) for m in pending])
    members = np.concatenate(pending)
    canon, reasons = choose_canonicals(group, members, keys, params.canonical_rule)
    ra, rb = prep.rep_index[members], prep.rep_index[canon[group]]
    jac, con = prep.similarities(ra, rb)
    keep, method, sim = keep_edges(jac, con, prep.tokens[ra], prep.tokens[rb], params)
    exact = ra == rb
    checked = _Checked(
        reps=ra,
        jaccard=jac,
        containment=con,
        direct=exact | keep,
        method=np.where(exact, "exact", method).astype(object),
        similarity=np.where(exact, 1.0, sim),
    )
    return canon, reasons, checked


def _accept(
    members: np.ndarray, canonical: int, checked: _Checked, prep: Prepared, params: DedupParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which members of one group stay with ``canonical`` (direct, or chained to a direct member and at
    least ``chain_floor`` similar), with their similarity to it and method."""
    direct_reps = np.unique(checked.reps[checked.direct])
    short = prep.tokens[checked.reps] < params.min_tokens
    floor_sim = np.maximum(checked.jaccard, np.where(short, 0.0, checked.containment))
    accepted = checked.direct.copy()
    methods = checked.method.copy()
    sims = checked.similarity.copy()
    for i in np.flatnonzero(~checked.direct & ~short & (floor_sim >= params.chain_floor)):
        r = int(checked.reps[i])
        if np.isin(prep.neighbours(r), direct_reps).any():
            accepted[i] = True
            jac, con = checked.jaccard[i], checked.containment[i]
            use_con = con > jac and prep.tokens[r] >= params.min_containment_tokens
            methods[i] = "containment" if use_con else "near"
            sims[i] = con if use_con else jac
    is_c = members == canonical
    methods[is_c], sims[is_c] = "canonical", 1.0
    return accepted, sims, methods


def _split_off(rest: np.ndarray, prep: Prepared) -> list[np.ndarray]:
    """Members ``rest`` grouped by the kept edges among themselves (one array per group, by label)."""
    if len(rest) == 0:
        return []
    rest_rep = prep.rep_index[rest]
    local_reps = np.array(list(dict.fromkeys(rest_rep.tolist())), dtype=np.int64)
    local = {int(r): k for k, r in enumerate(local_reps.tolist())}
    degree = prep.indptr[local_reps + 1] - prep.indptr[local_reps]
    src = np.repeat(local_reps, degree)
    dst = np.concatenate([prep.neighbours(int(r)) for r in local_reps])
    inside = np.isin(dst, local_reps)
    la = np.array([local[int(x)] for x in src[inside]], dtype=np.int64)
    lb = np.array([local[int(x)] for x in dst[inside]], dtype=np.int64)
    labels = group_components(len(local), la, lb)[[local[int(r)] for r in rest_rep]]
    return [rest[labels == lab] for lab in np.unique(labels)]
