"""Story features: each document's heaviest weighted terms, from its own title and text alone.

Stop words removed; each document is ``body + LEAD_WEIGHT * lead + title_weight * title`` in sublinear
term frequency, each part L2-normalised before the weighted sum, so a headline word can match another
article's body (titles are normalised like matching text first). A document keeps its ``FEATURE_TERMS``
heaviest terms, chosen from the document alone (ties: the smaller term hash, the same choice in every
document), so its features never depend on which documents shared its chunk, i.e. on input order or
read-task size. They are 64-bit token hashes folded to 32 bits with one-byte log-scale weights (about 5
bytes per term). The work is one compiled pass over the UTF-8 bytes (kernel ``doc_terms``); the run's IDF,
which needs the whole corpus, is applied at cluster time (``graph.feature_matrix``).

Languages (``languages``, one ISO 639-1 code or ``und`` per document; None for all unknown): each document
loses the stop words of its own language and its headline's elisions are spaced off, and runs of unspaced
scripts (Chinese, Japanese, Thai) become character n-grams (see ``cluster.languages``). Documents are
featurised in blocks of one language each, and rows come back in input order. Without languages every
document is treated as English, as before languages were known.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsdedup.cluster.entities import ENTITY_MARK, ENTITY_SALT, entity_entries, entity_hashes, entity_terms
from newsdedup.cluster.kernels.terms import doc_terms, token_hashes
from newsdedup.cluster.languages import (
    cjk_tokens,
    elides,
    has_unspaced_script,
    language_key,
    split_elisions,
    stop_words_for,
)
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_many

__all__ = ["FEATURE_TERMS", "LEAD_WEIGHT", "WEIGHT_TABLE", "StoryFeatures", "story_features"]

#: Weight of the lead (first ``lead_words`` words) relative to the whole body.
LEAD_WEIGHT = 1.0
#: Terms kept per document in its features (the heaviest, chosen from the document alone): bounds the
#: features to ~5 bytes x FEATURE_TERMS + 8 per document (x 1.25 with entity entries, ``entity_entries``). A trade of memory for story quality: fewer terms
#: lose quality quickly, more gain little (docs/benchmarks.md has the measurements).
FEATURE_TERMS = 100
#: With entity terms (``cluster.entities``), the terms weighed before the cut to FEATURE_TERMS, as a
#: multiple of it: the entity entries are taken from them (a name said once is light, yet specific).
ENTITY_POOL = 3
#: Documents featurised at once (bounds the temporary token arrays).
FEATURE_CHUNK = 4096

#: Weights are stored as one byte: the log of the weight on a uniform grid from WEIGHT_MIN to WEIGHT_MAX
#: (a relative step of ~4%, i.e. +-2%, well below the differences that move a cosine across the threshold).
WEIGHT_MIN = 1e-3
WEIGHT_MAX = 20.0
_LOG_STEP = math.log(WEIGHT_MAX / WEIGHT_MIN) / 255.0
#: The weight of each one-byte code.
WEIGHT_TABLE = (WEIGHT_MIN * np.exp(np.arange(256) * _LOG_STEP)).astype(np.float32)


@dataclass(frozen=True)
class StoryFeatures:
    """Compact per-document term data for story clustering, computable chunk by chunk (see story_features).

    CSR rows, one per document: ``indptr`` (int64, n + 1), ``term`` (uint32: the 64-bit token hash of
    ``doc_terms`` folded) and ``weight`` (uint8 log-scale code, see ``weights()``: sublinear term frequency of
    body, lead and title, each part L2-normalised and weighted, summed; no IDF, which needs the whole corpus
    and is applied at cluster time). Only each document's ``FEATURE_TERMS`` heaviest terms are kept, chosen
    from the document alone. ``vocab_hash`` (sorted uint32) and ``vocab_term`` (str) map the stored hashes
    back to words for keywords and labels.
    """

    indptr: np.ndarray
    term: np.ndarray
    weight: np.ndarray
    vocab_hash: np.ndarray
    vocab_term: np.ndarray

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-document arrays (the vocabulary is shared and counted apart)."""
        return int(self.indptr.nbytes + self.term.nbytes + self.weight.nbytes)

    @classmethod
    def empty(cls) -> StoryFeatures:
        return cls(
            np.zeros(1, dtype=np.int64),
            np.empty(0, dtype=np.uint32),
            np.empty(0, dtype=np.uint8),
            np.empty(0, dtype=np.uint32),
            np.empty(0, dtype=object),
        )

    def weights(self) -> np.ndarray:
        """The decoded term weights (float32), aligned with ``term``."""
        return WEIGHT_TABLE[self.weight]

    @classmethod
    def concat(cls, parts: Sequence[StoryFeatures]) -> StoryFeatures:
        """The rows of ``parts`` one after the other, with their vocabularies merged."""
        if not parts:
            return cls.empty()
        offsets = np.cumsum([0] + [len(p.term) for p in parts[:-1]])
        indptr = np.concatenate(
            [parts[0].indptr[:1]]
            + [p.indptr[1:] - p.indptr[0] + o for p, o in zip(parts, offsets, strict=True)]
        )
        term = np.concatenate([p.term[p.indptr[0] : p.indptr[-1]] for p in parts])
        weight = np.concatenate([p.weight[p.indptr[0] : p.indptr[-1]] for p in parts])
        vh, vt = _merge_vocab([p.vocab_hash for p in parts], [p.vocab_term for p in parts])
        return cls(indptr.astype(np.int64), term, weight, vh, vt)

    def take(self, rows: np.ndarray) -> StoryFeatures:
        """The features of documents ``rows`` (positions), in that order; the vocabulary is pruned to them."""
        rows = np.asarray(rows, dtype=np.int64)
        lens = self.indptr[rows + 1] - self.indptr[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        term = np.empty(int(indptr[-1]), dtype=self.term.dtype)
        weight = np.empty(int(indptr[-1]), dtype=self.weight.dtype)
        # In blocks of rows: the gather positions are int64 per entry, which for all rows at once would
        # cost several times the features themselves.
        for r0 in range(0, len(rows), 65536):
            blk = rows[r0 : r0 + 65536]
            lo, blens = self.indptr[blk], lens[r0 : r0 + 65536]
            out0, out1 = indptr[r0], indptr[r0 + len(blk)]
            pos = np.arange(int(out1 - out0), dtype=np.int64) + np.repeat(
                lo - (indptr[r0 : r0 + len(blk)] - out0), blens
            )
            term[out0:out1] = self.term[pos]
            weight[out0:out1] = self.weight[pos]
        used = np.isin(self.vocab_hash, term)
        return StoryFeatures(indptr, term, weight, self.vocab_hash[used], self.vocab_term[used])


def _merge_vocab(hashes: Sequence[np.ndarray], terms: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Union of (hash, term) vocabularies, sorted by hash; on a hash collision the smaller term wins."""
    h = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint32)
    t = np.concatenate(terms) if terms else np.empty(0, dtype=object)
    if len(h) == 0:
        return h.astype(np.uint32), t.astype(object)
    order = np.argsort(h, kind="stable")
    h, t = h[order], t[order]
    first = np.concatenate(([True], h[1:] != h[:-1]))
    if not first.all():  # collisions or repeats: keep the smallest term per hash, whatever the part order
        starts = np.flatnonzero(first)
        ends = np.append(starts[1:], len(h))
        for s, e in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
            t[s] = min(t[s:e].tolist())
    return h[first].astype(np.uint32), t[first]


def _encode_weights(val: np.ndarray) -> np.ndarray:
    """Weights > 0 to their one-byte log-scale codes (nearest grid point, clipped to the grid)."""
    code = np.rint(np.log(np.maximum(val, WEIGHT_MIN) / WEIGHT_MIN) / _LOG_STEP)
    return np.clip(code, 0, 255).astype(np.uint8)


def _stop_hashes(language: str = "en") -> np.ndarray:
    """Sorted 64-bit token hashes of a language's stop words (as ``doc_terms`` hashes tokens)."""
    if language not in _STOP:
        enc = [w.encode("utf-8") for w in sorted(stop_words_for(language))]
        starts = np.zeros(len(enc) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in enc], out=starts[1:])
        _STOP[language] = np.sort(token_hashes(np.frombuffer(b"".join(enc), dtype=np.uint8), starts))
    return _STOP[language]


_STOP: dict[str, np.ndarray] = {}


def _features_chunk(
    titles: list[str],
    texts: list[str],
    params: ClusterParams,
    language: str = "en",
    entities: list[list[str]] | None = None,
) -> StoryFeatures:
    """``story_features`` of one block of documents: one compiled pass over their UTF-8 bytes; each
    document's ``entities`` (its entity terms) weigh ``1 + params.entity_weight`` times (None: none)."""
    n = len(texts)
    boost = entities is not None and params.entity_weight > 0
    pieces = texts + normalize_many(titles)
    raw = "".join(pieces).encode("utf-8", "surrogatepass")
    starts = np.zeros(2 * n + 1, dtype=np.int64)
    if len(raw) == sum(map(len, pieces)):  # all ASCII: one byte per character, no per-text encode
        np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=2 * n), out=starts[1:])
    else:  # encode only the texts that are not ASCII (isascii is a flag check)
        lens = (len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass")) for t in pieces)
        np.cumsum(np.fromiter(lens, dtype=np.int64, count=2 * n), out=starts[1:])
    del pieces
    buf = np.frombuffer(bytearray(raw), dtype=np.uint8)  # writable: the kernel lower-cases it in place
    indptr, term, val, voc_hash, words, _ = doc_terms(
        buf,
        starts[: n + 1],
        starts[n:],
        _stop_hashes(language),
        params.lead_words if LEAD_WEIGHT > 0 else 0,
        LEAD_WEIGHT,
        params.title_weight,
        FEATURE_TERMS * ENTITY_POOL if boost else FEATURE_TERMS,
    )
    # Two words with one 32-bit hash (rare) are both listed and _merge_vocab keeps the smaller.
    listed = words.tobytes().decode("utf-8", "surrogatepass").split("\n") if len(voc_hash) else []
    if boost and entities is not None:  # entity entries after each row's words (cluster.entities)
        indptr, term, val = entity_entries(
            indptr, term, val, entity_hashes(entities), params.entity_weight, FEATURE_TERMS
        )
        used = np.isin(voc_hash, term)
        ent = np.isin(voc_hash ^ np.uint32(ENTITY_SALT), term)
        listed_u = [w for w, u in zip(listed, used.tolist(), strict=True) if u]
        listed_e = [ENTITY_MARK + w for w, u in zip(listed, ent.tolist(), strict=True) if u]
        voc_hash = np.concatenate([voc_hash[used], voc_hash[ent] ^ np.uint32(ENTITY_SALT)])
        listed = listed_u + listed_e
    vh, vt = _merge_vocab([voc_hash], [np.array(listed, dtype=object)])
    return StoryFeatures(indptr, term, _encode_weights(val), vh, vt)


def story_features(
    titles: Sequence[str | None],
    texts: Sequence[str | None],
    params: ClusterParams,
    languages: Sequence[str | None] | None = None,
    bodies: Sequence[str | None] | None = None,
) -> StoryFeatures:
    """Featurise documents for ``cluster_stories`` (pure; safe to run per chunk in worker processes).

    ``texts`` are matching texts (``normalize_for_matching`` of the body: tokens are runs of letters and
    digits, ASCII upper case is folded here but nothing else is normalised), ``titles`` the raw headlines
    (None or NaN for none; normalised here). Returns one row per document, in input order. A document's row
    depends on its own title and text only, so chunks may be featurised independently, in any order and
    size, and joined with ``StoryFeatures.concat``. ``languages``: each document's language (ISO 639-1,
    ``und`` or None for unknown), or None for all unknown (English rules); see the module docstring.
    ``bodies``: the raw bodies (None: not at hand), where ``cluster.entities`` finds capitalised names;
    the entity terms weigh ``1 + params.entity_weight`` (entries of their own, see ``cluster.entities``).
    """
    n = len(texts)
    if len(titles) != n:
        raise ValueError(f"titles has {len(titles)} values for {n} texts")
    if languages is not None and len(languages) != n:
        raise ValueError(f"languages has {len(languages)} values for {n} texts")
    texts_l = ["" if t is None or t != t else str(t) for t in texts]
    titles_l = ["" if t is None or t != t else str(t) for t in titles]
    if languages is None:
        return _featurise(
            titles_l, texts_l, params, "en", _entities(titles_l, texts_l, [None] * n, bodies, params)
        )
    langs = [lang if isinstance(lang, str) else None for lang in languages]
    key_of = {lang: language_key(lang) for lang in set(langs)}
    keys = [key_of[lang] for lang in langs]
    for i, (lang, key) in enumerate(zip(langs, keys, strict=True)):
        if elides(key) and titles_l[i]:
            titles_l[i] = split_elisions(titles_l[i], key)
        if has_unspaced_script(texts_l[i]) or has_unspaced_script(titles_l[i]):
            texts_l[i] = cjk_tokens(texts_l[i], lang or "und")
            titles_l[i] = cjk_tokens(normalize_many([titles_l[i]])[0], lang or "und")
    ents = _entities(titles_l, texts_l, langs, bodies, params)
    distinct = sorted(set(keys))
    if len(distinct) <= 1:  # one language (or no document)
        return _featurise(titles_l, texts_l, params, distinct[0] if distinct else "en", ents)
    key_arr = np.array(keys, dtype=object)
    groups = [np.flatnonzero(key_arr == k) for k in distinct]
    parts = [
        _featurise(
            [titles_l[i] for i in g],
            [texts_l[i] for i in g],
            params,
            k,
            None if ents is None else [ents[i] for i in g],
        )
        for k, g in zip(distinct, groups, strict=True)
    ]
    # Rows back in input order: position p of the concatenation holds document order[p].
    order = np.concatenate(groups)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    return StoryFeatures.concat(parts).take(inverse)


def _entities(
    titles: list[str],
    texts: list[str],
    langs: list[str | None],
    bodies: Sequence[str | None] | None,
    params: ClusterParams,
) -> list[list[str]] | None:
    """Each document's entity terms (``cluster.entities``), or None when ``entity_weight`` is 0."""
    if params.entity_weight <= 0:
        return None
    if bodies is not None and len(bodies) != len(texts):
        raise ValueError(f"bodies has {len(bodies)} values for {len(texts)} texts")
    raw = [None] * len(texts) if bodies is None else [b if isinstance(b, str) else None for b in bodies]
    return [entity_terms(*doc) for doc in zip(titles, raw, texts, langs, strict=True)]


def _featurise(
    titles: list[str],
    texts: list[str],
    params: ClusterParams,
    language: str,
    ents: list[list[str]] | None = None,
) -> StoryFeatures:
    """The features of documents of one language, in chunks of FEATURE_CHUNK."""
    parts = [
        _features_chunk(
            titles[s : s + FEATURE_CHUNK],
            texts[s : s + FEATURE_CHUNK],
            params,
            language,
            None if ents is None else ents[s : s + FEATURE_CHUNK],
        )
        for s in range(0, len(texts), FEATURE_CHUNK)
    ]
    if not parts:
        return StoryFeatures.empty()
    return parts[0] if len(parts) == 1 else StoryFeatures.concat(parts)
