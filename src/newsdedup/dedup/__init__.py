"""Pure duplicate detection: sketches, LSH, verification, groups and the canonical rule.

:func:`find_duplicates` (:mod:`newsdedup.dedup.find`) runs the steps; each step's module holds its rule:
:mod:`~newsdedup.dedup.sketches` (digests, shingles, signatures per document), :mod:`~newsdedup.dedup.minhash`
(bulk MinHash, datasketch-compatible), :mod:`~newsdedup.dedup.lsh` (banding -> candidate pairs),
:mod:`~newsdedup.dedup.verify` (exact similarities, edge rule), :mod:`~newsdedup.dedup.edges` (a block of
candidate pairs reduced to its edges: the unit an engine may run elsewhere), :mod:`~newsdedup.dedup.groups`
(components, chaining guard), :mod:`~newsdedup.dedup.canonical` (which member stands for a group), and their
compiled loops in :mod:`~newsdedup.dedup.kernels`.
"""

from newsdedup.dedup.canonical import DocKeys, choose_canonicals
from newsdedup.dedup.edges import KeptEdges, VerifyFn, VerifyInputs, local_verifier, verify_block
from newsdedup.dedup.find import DedupResult, find_duplicates
from newsdedup.dedup.groups import group_components
from newsdedup.dedup.lsh import (
    CandidateFn,
    band_keys,
    banding_plan,
    bucket_pair_codes,
    candidates_from_signatures,
    codes_to_pairs,
    lsh_params,
)
from newsdedup.dedup.minhash import minhash_signatures, shingle_hashes_for, signature_agreement
from newsdedup.dedup.sketches import (
    DENSE_CHARS_PER_WORD,
    DENSE_LANGUAGES,
    DENSE_SHARE,
    Sketches,
    compact_digests,
    digests_hex,
    shingle_hashes,
    sketch_texts,
    take_sketches,
)
from newsdedup.dedup.verify import keep_edges, verify_pairs

__all__ = [
    "DENSE_CHARS_PER_WORD",
    "DENSE_LANGUAGES",
    "DENSE_SHARE",
    "CandidateFn",
    "DedupResult",
    "DocKeys",
    "KeptEdges",
    "Sketches",
    "VerifyFn",
    "VerifyInputs",
    "band_keys",
    "banding_plan",
    "bucket_pair_codes",
    "candidates_from_signatures",
    "choose_canonicals",
    "codes_to_pairs",
    "compact_digests",
    "digests_hex",
    "find_duplicates",
    "group_components",
    "keep_edges",
    "local_verifier",
    "lsh_params",
    "minhash_signatures",
    "shingle_hashes",
    "shingle_hashes_for",
    "signature_agreement",
    "sketch_texts",
    "take_sketches",
    "verify_block",
    "verify_pairs",
]
