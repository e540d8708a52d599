"""Pure duplicate detection: sketches, LSH, verification, groups and the canonical rule.

:func:`find_duplicates` (:mod:`newsdedup.dedup.find`) runs the steps; each step's module holds its rule:
:mod:`~newsdedup.dedup.sketches` (digests, shingles, signatures per document), :mod:`~newsdedup.dedup.minhash`
(bulk MinHash, datasketch-compatible), :mod:`~newsdedup.dedup.lsh` (banding -> candidate pairs),
:mod:`~newsdedup.dedup.verify` (exact similarities, edge rule), :mod:`~newsdedup.dedup.edges` (a block of
candidate pairs reduced to its edges: the unit an engine may run elsewhere), :mod:`~newsdedup.dedup.groups`
(components, chaining guard), :mod:`~newsdedup.dedup.canonical` (which member stands for a group), and their
compiled loops in :mod:`~newsdedup.dedup.kernels`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdedup.lazy import lazy_names

if TYPE_CHECKING:
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
    from newsdedup.dedup.mapped import read_rows, take_rows
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

# public name -> the module defining it, imported on first use (PEP 562): importing one module of the
# package (a constant, a type) does not load the others and the libraries they need
_LAZY = {
    "DocKeys": "newsdedup.dedup.canonical",
    "choose_canonicals": "newsdedup.dedup.canonical",
    "KeptEdges": "newsdedup.dedup.edges",
    "VerifyFn": "newsdedup.dedup.edges",
    "VerifyInputs": "newsdedup.dedup.edges",
    "local_verifier": "newsdedup.dedup.edges",
    "verify_block": "newsdedup.dedup.edges",
    "DedupResult": "newsdedup.dedup.find",
    "find_duplicates": "newsdedup.dedup.find",
    "group_components": "newsdedup.dedup.groups",
    "CandidateFn": "newsdedup.dedup.lsh",
    "band_keys": "newsdedup.dedup.lsh",
    "banding_plan": "newsdedup.dedup.lsh",
    "bucket_pair_codes": "newsdedup.dedup.lsh",
    "candidates_from_signatures": "newsdedup.dedup.lsh",
    "codes_to_pairs": "newsdedup.dedup.lsh",
    "lsh_params": "newsdedup.dedup.lsh",
    "read_rows": "newsdedup.dedup.mapped",
    "take_rows": "newsdedup.dedup.mapped",
    "minhash_signatures": "newsdedup.dedup.minhash",
    "shingle_hashes_for": "newsdedup.dedup.minhash",
    "signature_agreement": "newsdedup.dedup.minhash",
    "DENSE_CHARS_PER_WORD": "newsdedup.dedup.sketches",
    "DENSE_LANGUAGES": "newsdedup.dedup.sketches",
    "DENSE_SHARE": "newsdedup.dedup.sketches",
    "Sketches": "newsdedup.dedup.sketches",
    "compact_digests": "newsdedup.dedup.sketches",
    "digests_hex": "newsdedup.dedup.sketches",
    "shingle_hashes": "newsdedup.dedup.sketches",
    "sketch_texts": "newsdedup.dedup.sketches",
    "take_sketches": "newsdedup.dedup.sketches",
    "keep_edges": "newsdedup.dedup.verify",
    "verify_pairs": "newsdedup.dedup.verify",
}

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
    "read_rows",
    "shingle_hashes",
    "shingle_hashes_for",
    "signature_agreement",
    "sketch_texts",
    "take_rows",
    "take_sketches",
    "verify_block",
    "verify_pairs",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
