"""Deduplication: find exact, near and translated duplicates and group them into clusters.

The index is the one part of the pipeline held centrally: it receives the :class:`Fingerprint`
of every document (no text), and after the last one, :meth:`DuplicateIndex.resolve` decides.

1. **Exact**: equal normalised-text hashes.
2. **Near**: candidates from ``datasketch`` MinHash LSH over word n-grams, queried below
   ``near_threshold``, kept when the exact Jaccard similarity of the two shingle sets (read back
   from a :class:`~cleanpress.shingle_store.ShingleStore` on disk) reaches it; documents of an
   earlier run, whose shingles are not stored, are compared by their signatures' estimate.
3. **Translated**: only between documents in different languages or scripts. Candidates come
   from a second MinHash LSH over translation anchors at a low threshold (recall first); each is
   verified by the exact IDF-weighted Jaccard overlap of the two anchor sets, where an anchor's
   weight is ``log(1 + N / df)`` over the whole run, so names every article shares count little.
   A candidate becomes a link when its score reaches ``translated_threshold``, the two share at
   least ``min_shared_anchors`` anchors, neither is more than ``max_length_ratio`` times longer
   than the other (a translation is about as long as its source, as bitext filters assume; a
   short page whose few names a long article happens to hold is not its translation), and
   (``mutual_best``) each is the other's best match in the other's language: the other half
   of the same article, or another report on the same visit, loses to the real translation. Fallback anchor sets (caseless scripts, German: see
   :mod:`cleanpress.anchors`) are larger than the other side's, so those pairs come from an
   inverted index of their rare anchors (:class:`RareAnchorIndex`: a bounded number per document
   and language) and are scored by the weighted share of the other side's anchors they contain.
   The anchor strings are kept once, in a vocabulary shared by all documents, so that a decision
   can list the anchors that made it.

Links become clusters (union-find). One document per cluster is kept: the longest (ties go to
the one read first), or with ``keep="first"`` the one read first. Every other member gets a
:class:`Decision` naming its kept twin, how it matches it and with what score; a member that
joined the cluster only through a third document names that document as ``via``.
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Iterator, Optional, Sequence

import numpy as np

from .arrays import sorted_unique
from .bands import BandIndex, band_parameters
from .config import CleanConfig
from .executor import batched, map_shared
from .fingerprint import Fingerprint, anchor_hash, hash_minhash, translation_size
from .hashcount import HashCounter
from .shingle_store import ShingleStore

NO_SIGNATURE = np.zeros(0, dtype=np.uint32)  # in place of a near signature the index dropped
KINDS = ("exact", "near", "translated")  # strongest first
SHOWN_ANCHORS = 20  # shared anchors listed in a translated decision
SIGNATURE_SCHEME = _SCHEME = "affine32"  # datasketch's default permutation scheme, used by fingerprint.minhash
CANDIDATE_BLOCK = 2048  # query documents whose translation candidates are held at once
NEAR_CANDIDATE_FACTOR = 0.8  # near-duplicate LSH threshold, relative to near_threshold
# Every near candidate is verified exactly, so a false candidate costs one disk read while a
# missed one is a duplicate left in the corpus: weigh misses four times. At the default 0.7,
# datasketch then picks 25 bands of 5 rows: a pair at true Jaccard 0.70 becomes a candidate with
# probability 0.99 (0.93 with equal weights), one at 0.30 with 0.06.
NEAR_LSH_WEIGHTS = (0.2, 0.8)
# Fallback candidates (RareAnchorIndex). An anchor in more documents than this carries no evidence
# of translation: a translation group has one document per language (14 in translated-ntrex, 40
# or so for the most translated news), so 50 is above any such group plus its follow-ups, and a
# name in more is a common word or a name in the news every day. The bound is fixed, not a share of
# the corpus: a share makes the postings walked per document, so the cost per document, grow with
# the corpus (200 instead of 50 lowered caseless rus/ukr precision on translated-ntrex from 0.997
# to 0.973). Anchors this common are still scored in verification; they only do not propose candidates.
RARE_ANCHOR_MAX_DF = 50
FALLBACK_CANDIDATES_PER_LANGUAGE = 3  # mutual best keeps one per language pair; 3 leaves room
# Names-set candidates (RareNamesLSH): the LSH leaves out the anchors in more than
# COMMON_ANCHOR_MAX_DF documents (the year, the words that open sentences), which otherwise make
# every article a candidate of every other in a large corpus; fixed, not a share of the corpus, so
# that bucket sizes, and the cost per document, do not grow with it. A query keeps, per language,
# the NAMES_CANDIDATES_PER_LANGUAGE earlier documents whose signatures agree most. Verification
# still scores every anchor. Both bounds are far above what translated-ntrex needs: its decisions
# are the same with and without them.
COMMON_ANCHOR_MAX_DF = 500
NAMES_CANDIDATES_PER_LANGUAGE = 8
SCORE_CHUNK_ANCHORS = 1 << 21  # anchors of the pairs scored at once (~100 MB of arrays at most)
AGREEMENT_BLOCK = 16384  # candidate pairs whose signatures are compared at once (2 x 16384 x 512 bytes)
NEAR_SCORE_BLOCK = 65536  # near pairs scored at once (one round trip to the workers that hold their shingles)
# Scores pairs of this run's documents (index positions) by the exact Jaccard similarity of their
# shingle sets, kept outside the index (the Dask engine's workers)
ExactJaccard = Callable[[Sequence[tuple[int, int]]], Sequence[float]]
# Each node of a list of edges and its connected component, named by the component's smallest node
Components = Callable[[list[tuple[int, int]]], dict[int, int]]


@dataclass(slots=True)
class Decision:
    """Why a document is dropped: it duplicates ``duplicate_of``, which is kept."""

    id: str
    order: int
    duplicate_of: str
    kind: str
    score: float
    via: str | None = None  # the document it matched directly, when that is not ``duplicate_of``
    anchors: tuple[str, ...] = ()  # translated only: the shared anchors, heaviest first
    in_index: bool = False  # the kept twin is in the persistent index, from an earlier run

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "duplicate_of": self.duplicate_of,
            "kind": self.kind,
            "score": round(self.score, 4),
        }
        if self.via is not None:
            record["via"] = self.via
        if self.kind == "translated":
            record["anchors"] = list(self.anchors)
        if self.in_index:
            record["in_index"] = True
        return record


@dataclass(slots=True)
class _Link:
    a: int
    b: int
    kind: str
    score: float


class _UnionFind:
    """Disjoint sets whose root is always the smallest member."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def connected_components(edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each node of the edges, and its component, named by the component's smallest node.

    >>> sorted(connected_components([(1, 2), (5, 2), (8, 7)]).items())
    [(1, 1), (2, 1), (5, 1), (7, 7), (8, 7)]
    """
    clusters = _UnionFind()
    for a, b in edges:
        clusters.union(a, b)
        clusters.parent.setdefault(a, a)
        clusters.parent.setdefault(b, b)
    return {node: clusters.find(node) for node in list(clusters.parent)}


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)


class DuplicateIndex:
    """Collects fingerprints, then finds duplicate clusters and decides what to keep.

    >>> from cleanpress.document import Document
    >>> from cleanpress.fingerprint import fingerprint
    >>> index = DuplicateIndex(CleanConfig())
    >>> for order, text in enumerate(["Gas talks in Moscow on Tuesday.", "gas talks in MOSCOW on tuesday"]):
    ...     index.add(fingerprint(Document(id=str(order), text=text, order=order), CleanConfig()))
    >>> [(d.order, d.kind) for d in index.resolve()]
    [(1, 'exact')]
    """

    def __init__(
        self, config: CleanConfig, *, spool_dir: str | os.PathLike[str] | None = None, near_lsh: bool = True,
        keep_signatures: bool = True, shingles_elsewhere: ExactJaccard | None = None,
        components: Components | None = None,
    ) -> None:
        self.config = config
        # how links become clusters: union-find here, or the Dask engine's pass on its workers
        self._components = components if components is not None else connected_components
        # shingles_elsewhere: the shingle sets stay where the documents were processed (the Dask
        # engine's workers), and this scores pairs of this run's documents there, a batch at a time
        self._shingles_elsewhere = shingles_elsewhere
        # keep_signatures=False: a run without a persistent index never reads a near signature
        # again once its band keys are in the LSH (candidates come from the stored keys, scores
        # from the shingle store), so it is dropped: 0.6 KB a document
        self._keep_signatures = keep_signatures
        # near_lsh=False: near candidates come from elsewhere (the Dask engine's band shuffle) and
        # are handed to resolve(); the index then holds no LSH tables
        self._use_near_lsh = near_lsh
        self._fingerprints: list[Fingerprint] = []
        self._shingles = ShingleStore(spool_dir)  # exact near-duplicate scores, text-free, on disk
        self._indexed: set[int] = set()  # positions of documents from a persistent index
        self._first_with_hash: dict[bytes, int] = {}
        self._links: list[_Link] = []
        # LSH finds pairs near its threshold only about half the time; asking it for a lower
        # one and verifying every candidate at the real threshold keeps recall high.
        # datasketch's banding in flat arrays (cleanpress.bands): about 0.6 KB a document, not 7
        self._near_lsh: BandIndex | None = BandIndex(config.near_threshold * NEAR_CANDIDATE_FACTOR, config.num_perm, NEAR_LSH_WEIGHTS)
        self._anchor_df = HashCounter()  # documents per anchor: 12 bytes an anchor, not ~100 in a Counter
        self._chance: dict[int, float] = {}  # fallback documents' chance containment, by order
        self._total_mass = 0.0
        self._weight_table: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.uint64), np.zeros(0))  # sorted anchor hashes, weights
        self._df_counts = np.zeros(0, dtype=np.int64)  # document frequency, aligned with the table
        self._anchor_totals = np.zeros(0)  # per position, the weight of its anchors (NaN: not summed yet)
        self.vocabulary: dict[int, str] = {}  # anchor hash -> anchor string, shared by all documents
        self.candidates = Counter[str]()  # candidate pairs looked at, per kind, for the report

    def __len__(self) -> int:
        return len(self._fingerprints)

    def add(self, fp: Fingerprint) -> None:
        """Index one document. Exact copies are linked at once and kept out of the LSH indexes."""
        position = len(self._fingerprints)
        for name in fp.anchor_names:
            self.vocabulary.setdefault(anchor_hash(name), name)
        fp.anchor_names = ()  # the vocabulary has them; the index keeps hashes only
        # unpickled from a worker, each "en" and "Latin" is a string of its own: share one
        fp.lang, fp.script = (sys.intern(fp.lang) if fp.lang else fp.lang), sys.intern(fp.script)
        self._shingles.append(fp.shingles)
        fp.shingles = None  # on disk now: memory grows with signatures, not with text
        self._fingerprints.append(fp)
        near, fp.near = fp.near, fp.near if self._keep_signatures else NO_SIGNATURE
        twin = self._first_with_hash.setdefault(fp.exact, position)
        if twin != position:
            self._links.append(_Link(twin, position, "exact", 1.0))
            return
        if self._use_near_lsh:
            if self._near_lsh is None:
                raise RuntimeError("resolve() has run: this index takes no more documents")
            self._near_lsh.insert(position, near)
        if fp.translatable:
            self._anchor_df.add(fp.anchors)  # the array: copied as bytes, not boxed into ints

    def add_indexed(self, fp: Fingerprint) -> None:
        """Index a document kept by an earlier run (:mod:`cleanpress.persistent`): it is kept in
        any cluster it joins and never gets a decision. Add these before the run's documents."""
        self._indexed.add(len(self._fingerprints))
        self.add(fp)

    def kept(self, decisions: Iterable[Decision]) -> list[Fingerprint]:
        """The fingerprints of this run's documents that ``decisions`` (from :meth:`resolve`) keep."""
        dropped = {decision.order for decision in decisions}
        return [fp for p, fp in enumerate(self._fingerprints) if p not in self._indexed and fp.order not in dropped]

    def near_scores(self, pairs: Sequence[tuple[int, int]]) -> list[float]:
        """Jaccard similarity of the shingle sets of each pair of indexed documents (positions):
        exact from the shingle store (or from ``shingles_elsewhere``), estimated from the
        signatures when one of them came from an earlier run's index."""
        indexed = self._indexed
        if self._shingles_elsewhere is None:
            exact: list[float | None] = [self._shingles.jaccard(a, b) for a, b in pairs]
        else:
            asked = [k for k, (a, b) in enumerate(pairs) if a not in indexed and b not in indexed]
            exact = [None] * len(pairs)
            for k, score in zip(asked, self._shingles_elsewhere([pairs[k] for k in asked]) if asked else ()):
                exact[k] = score
        return [round(score, 6) if score is not None
                else estimated_jaccard(self._fingerprints[a].near, self._fingerprints[b].near)
                for (a, b), score in zip(pairs, exact)]

    def order_of(self, position: int) -> int:
        """The input order of the document at ``position``."""
        return self._fingerprints[position].order

    def close(self) -> None:
        """Remove the shingle store's temporary file (also done when the index is collected)."""
        self._shingles.close()

    def is_representative(self, position: int) -> bool:
        """Whether the document at ``position`` is the first with its exact hash: only those are
        compared for near and translated duplicates (the others are linked as exact copies)."""
        return self._first_with_hash[self._fingerprints[position].exact] == position

    def position_of_order(self) -> dict[int, int]:
        """Index position by document order, for candidates found outside the index."""
        return {fp.order: p for p, fp in enumerate(self._fingerprints)}

    def resolve(self, near_candidates: Iterable[tuple[int, int]] | None = None) -> list[Decision]:
        """Decide, for every indexed document, whether it is dropped and as a duplicate of what.

        ``near_candidates``: pairs of positions ``(a, b)``, ``a < b``, both representatives, that
        share a band of the near-duplicate LSH (see :func:`near_band_parameters`), found outside the index;
        without them the index's own LSH finds the same pairs. Either way they are verified here."""
        self._count_anchor_weights()
        if near_candidates is None:
            near_candidates = self._near_candidates()
        self._links.extend(self._near_links(near_candidates))
        if self.config.translated:
            self._links.extend(self._translated_links())
        return self._decide(self._links)

    def _near_candidates(self) -> Iterator[tuple[int, int]]:
        """Pairs ``(other, position)`` sharing an LSH band, by position, then other."""
        if not self._use_near_lsh:
            raise ValueError("this index has no near-duplicate LSH: give resolve() the near candidates")
        # only representatives are in the LSH; one pass over the sorted buckets, not a query each
        pairs = self._near_lsh.pairs()
        # resolve() is the index's last step: its band keys are not needed again, so their memory
        # is free for the translated phase (0.2 KB a document)
        self._near_lsh = None
        for other, position in pairs.tolist():
            yield other, position

    def _near_links(self, candidates: Iterable[tuple[int, int]]) -> Iterable[_Link]:
        """The candidates whose shingle sets agree at least ``near_threshold``, in candidate order,
        scored a block at a time."""
        threshold = self.config.near_threshold
        for block in batched(candidates, NEAR_SCORE_BLOCK):
            self.candidates["near"] += len(block)
            for (other, position), score in zip(block, self.near_scores(block)):
                if score >= threshold:
                    yield _Link(other, position, "near", score)

    # ------------------------------------------------------------------------ translated duplicates

    def _translated_links(self) -> Iterable[_Link]:
        """Verified candidate pairs that pass the threshold, shared-anchor count and mutual best.

        Candidates are generated and verified for a block of query documents at a time, so memory
        holds one block's candidate pairs, not the corpus's; each pair comes from exactly one query
        document, and the verified pairs are put back in (a, b) order, so blocks change nothing."""
        config = self.config
        fingerprints = self._fingerprints
        indexed = [p for p, fp in enumerate(fingerprints) if fp.translatable and self._first_with_hash[fp.exact] == p]
        self._anchor_totals = np.full(len(fingerprints), np.nan)
        names = [p for p in indexed if not fingerprints[p].fallback]
        fallback = [p for p in indexed if fingerprints[p].fallback]
        rare = RareAnchorIndex(self, fallback) if fallback else None
        names_index = RareNamesLSH(self, names)
        languages = self._language_codes(indexed)
        # blocks are independent and read the index only: workers can verify them side by side
        blocks = [names[start : start + CANDIDATE_BLOCK] for start in range(0, len(names), CANDIDATE_BLOCK)]
        verifier = _BlockVerifier(self, names_index, rare, languages)
        scored: list[tuple[int, int, float]] = []
        for looked_at, verified in map_shared(_BlockVerifier.verify, blocks, min(config.workers, len(blocks)), verifier):
            self.candidates["translated"] += looked_at
            scored.extend(verified)
        scored.sort(key=lambda pair: (pair[0], pair[1]))
        if config.mutual_best:
            scored = mutual_best(scored, self._language)
        if config.drop_bridges:
            scored = drop_bridges(scored)
        return (_Link(a, b, "translated", score) for a, b, score in scored)

    def _verified_block(
        self, queries: list[int], names: RareNamesLSH, rare: RareAnchorIndex | None, languages: tuple[np.ndarray, np.ndarray]
    ) -> tuple[int, list[tuple[int, int, float]]]:
        """The translated pairs found for one block of query documents that pass the threshold,
        the shared-anchor count and the length ratio, and how many candidates were looked at."""
        config = self.config
        first, second = self._translated_candidates(queries, names, rare, languages)
        scores, shared = self._score_pairs(first, second)
        keep = (scores >= config.translated_threshold) & (shared >= config.min_shared_anchors)
        keep &= self._comparable_lengths(first, second)
        return len(first), list(zip(first[keep].tolist(), second[keep].tolist(), scores[keep].tolist()))

    def _comparable_lengths(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Per pair, whether the longer is at most ``max_length_ratio`` times the shorter
        (:func:`~cleanpress.fingerprint.translation_size`: script-adjusted)."""
        limit = self.config.max_length_ratio
        if not limit or not len(first):
            return np.ones(len(first), dtype=bool)
        fingerprints = self._fingerprints
        a = np.array([translation_size(fingerprints[p]) for p in first.tolist()])
        b = np.array([translation_size(fingerprints[p]) for p in second.tolist()])
        return np.maximum(a, b) <= limit * np.maximum(np.minimum(a, b), 1.0)

    def _language_codes(self, indexed: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per position, a number for its (language, script) and whether it is a fallback set."""
        size = len(self._fingerprints)
        language = {key: code for code, key in enumerate(sorted({self._language(p) for p in indexed}, key=repr))}
        codes_of = np.full(size, -1, dtype=np.int64)
        is_fallback = np.zeros(size, dtype=bool)
        for p in indexed:
            codes_of[p] = language[self._language(p)]
            is_fallback[p] = self._fingerprints[p].fallback
        return codes_of, is_fallback

    def _translated_candidates(
        self, queries: list[int], names: RareNamesLSH, rare: RareAnchorIndex | None, languages: tuple[np.ndarray, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``(a, b)``, ``a < b``, in different languages, found for the names-set documents
        ``queries``: two names sets from the rare-anchor LSH (:class:`RareNamesLSH`), a names set
        and a fallback set from the rare anchors they share (:class:`RareAnchorIndex`); each pair
        once, sorted, as two arrays."""
        size = len(self._fingerprints)
        codes_of, is_fallback = languages
        earlier, later = names.candidates(queries, codes_of)
        found = [earlier * size + later]  # a pair (a, b), a < b, as a * size + b
        if rare is not None:
            for position in queries:
                others = np.asarray(rare.query(position), dtype=np.int64)
                found.append(np.minimum(position, others) * size + np.maximum(position, others))
        pairs = sorted_unique(np.concatenate(found))
        first, second = pairs // size, pairs % size
        # two fallback sets share the common words of related languages (Russian, Ukrainian):
        # such documents join a cluster only through documents whose names are known
        keep = (codes_of[first] != codes_of[second]) & ~(is_fallback[first] & is_fallback[second])
        return first[keep], second[keep]

    def _score_pairs(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`translation_score` of many pairs at once: Jaccard of the weighted anchor sets,
        or, against a fallback set, the names side's containment above chance; and the number of
        anchors each pair shares. Array operations over every pair, a chunk of pairs at a time."""
        scores = np.zeros(len(first), dtype=np.float64)
        shared = np.zeros(len(first), dtype=np.int64)
        if not len(first):
            return scores, shared
        fingerprints = self._fingerprints
        involved, slots = np.unique(np.concatenate([first, second]), return_inverse=True)
        first_slots, second_slots = slots[: len(first)], slots[len(first) :]
        lengths = np.array([len(fingerprints[p].anchors) for p in involved.tolist()], dtype=np.int64)
        starts = np.zeros(len(involved) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        hashes = np.concatenate([fingerprints[p].anchors for p in involved.tolist()])
        weights = self._weights_of(hashes, 1.0)
        totals = self._anchor_totals[involved]
        for i in np.flatnonzero(np.isnan(totals)).tolist():  # each document's total is summed once a run
            totals[i] = self._anchor_totals[involved[i]] = weights[starts[i] : starts[i + 1]].sum()
        fallback = np.array([fingerprints[p].fallback for p in involved.tolist()], dtype=bool)
        chance = np.array([self._chance_containment(fingerprints[p]) if fingerprints[p].fallback else 0.0 for p in involved.tolist()])
        # every (document, anchor) of the block as one sorted integer: slot * distinct + anchor's
        # rank (anchors are sorted within a document, so the whole array is sorted)
        distinct, rank = np.unique(hashes, return_inverse=True)
        entry_keys = np.repeat(np.arange(len(involved), dtype=np.int64), lengths) * len(distinct) + rank
        chunk_starts = _chunks(lengths[second_slots], SCORE_CHUNK_ANCHORS)
        for lo, hi in zip(chunk_starts[:-1].tolist(), chunk_starts[1:].tolist()):
            a, b = first_slots[lo:hi], second_slots[lo:hi]
            counts = lengths[b]
            offsets = np.repeat(starts[b] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
            segment = np.repeat(np.arange(hi - lo), counts)
            wanted = a[segment] * len(distinct) + rank[offsets]  # b's anchors, looked up among a's
            where = np.minimum(np.searchsorted(entry_keys, wanted), len(entry_keys) - 1)
            hit = entry_keys[where] == wanted
            shared_weight = np.bincount(segment, weights=np.where(hit, weights[offsets], 0.0), minlength=hi - lo)
            shared[lo:hi] = np.bincount(segment, weights=hit, minlength=hi - lo).astype(np.int64)
            total_a, total_b = totals[a], totals[b]
            mixed = fallback[b] != fallback[a]
            # Jaccard where both sides are names; containment of the names side in the fallback side
            union = total_a + total_b - shared_weight
            jaccard = np.divide(shared_weight, union, out=np.zeros_like(union), where=union > 0)
            names_total = np.where(fallback[b], total_a, total_b)
            contained = np.divide(shared_weight, names_total, out=np.zeros_like(names_total), where=names_total > 0)
            words_chance = np.where(fallback[b], chance[b], chance[a])
            corrected = np.maximum(0.0, contained - words_chance) / (1.0 - words_chance)
            scores[lo:hi] = np.where(mixed, corrected, jaccard)
        return scores, shared

    def _weights_of(self, hashes: np.ndarray, default: float) -> np.ndarray:
        """The IDF weight of each anchor hash; ``default`` for anchors the index has not counted."""
        keys, values = self._weight_table
        if not len(keys):
            return np.full(len(hashes), default)
        where = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        return np.where(keys[where] == hashes, values[where], default)

    def _df_of(self, hashes: np.ndarray) -> np.ndarray:
        """The document frequency of each anchor hash over the run (0 for anchors not counted)."""
        keys = self._weight_table[0]
        if not len(keys):
            return np.zeros(len(hashes), dtype=np.int64)
        where = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        return np.where(keys[where] == hashes, self._df_counts[where], 0)

    def _language(self, position: int) -> tuple[str | None, str]:
        fp = self._fingerprints[position]
        return fp.lang, fp.script

    def translation_score(self, a: Fingerprint, b: Fingerprint) -> tuple[float, int]:
        """Weighted anchor overlap of two documents and the number of anchors they share: Jaccard,
        or, when one side is a fallback set, the weighted share of the other side it contains."""
        if a.fallback != b.fallback:
            names, words = (b, a) if a.fallback else (a, b)
            contained, shared = weighted_containment(names.anchors, words.anchors, self._weights_of(names.anchors, 1.0))
            chance = self._chance_containment(words)
            return max(0.0, contained - chance) / (1.0 - chance), shared
        common, where, _ = np.intersect1d(a.anchors, b.anchors, assume_unique=True, return_indices=True)
        weights_a, weights_b = self._weights_of(a.anchors, 1.0), self._weights_of(b.anchors, 1.0)
        shared_weight = float(weights_a[where].sum())
        total = float(weights_a.sum()) + float(weights_b.sum()) - shared_weight
        return (shared_weight / total if total else 0.0), len(common)

    def _chance_containment(self, fp: Fingerprint) -> float:
        """The weighted share of another document's anchors that a fallback set contains by
        chance: its anchors' weight times their frequency in the other documents, over the same
        sum for the whole vocabulary."""
        cached = self._chance.get(fp.order)
        if cached is None:
            keys, values = self._weight_table
            if not self._total_mass:
                self._total_mass = float((values * self._df_counts).sum())
            own = self._weights_of(fp.anchors, 0.0)
            where = np.minimum(np.searchsorted(keys, fp.anchors), max(len(keys) - 1, 0))
            df = np.where(keys[where] == fp.anchors, self._df_counts[where], 1) if len(keys) else np.ones(len(own))
            mass = float((own * (df - 1)).sum())
            others = self._total_mass - float(own.sum())
            cached = self._chance[fp.order] = min(mass / others, 0.99) if others > 0 else 0.0
        return cached

    def shared_anchors(self, a: Fingerprint, b: Fingerprint, limit: int = SHOWN_ANCHORS) -> tuple[str, ...]:
        """The anchors two documents share, heaviest first, as strings from the vocabulary."""
        common = np.intersect1d(a.anchors, b.anchors, assume_unique=True)
        weight = dict(zip(common.tolist(), self._weights_of(common, 1.0).tolist()))
        shared = sorted(weight, key=lambda h: (-weight[h], self.vocabulary.get(h, "")))
        return tuple(self.vocabulary.get(h, f"{h:x}") for h in shared[:limit])

    def _count_anchor_weights(self) -> None:
        """The IDF weight table (sorted anchor hashes and their weights), held as two arrays:
        a dict of every anchor would cost about 100 bytes an anchor."""
        documents = max(1, sum(1 for fp in self._fingerprints if fp.translatable))
        keys, counts = self._anchor_df.table()
        counts = counts.astype(np.int64)
        values = np.log1p(documents / counts)
        self._weight_table, self._df_counts = (keys, values), counts

    # ------------------------------------------------------------------------------------ decisions

    def _decide(self, links: list[_Link]) -> list[Decision]:
        best_link: dict[int, _Link] = {}
        indexed = self._indexed
        edges = []
        for link in links:
            if link.a in indexed and link.b in indexed:
                continue  # both were kept by earlier runs: that decision is not this run's to undo
            edges.append((link.a, link.b))
            for end in (link.a, link.b):
                current = best_link.get(end)
                if current is None or _strength(link) > _strength(current):
                    best_link[end] = link
        component = self._components(edges)
        members: dict[int, list[int]] = {}
        for position in sorted(best_link):
            members.setdefault(component[position], []).append(position)
        dropped = []  # (position, its cluster's keeper)
        for cluster in members.values():
            keeper = min(cluster, key=self._keep_order)
            dropped += [(position, keeper) for position in cluster if position != keeper and position not in indexed]
        near = self._direct_near_scores(dropped)
        decisions = [self._explain(position, keeper, best_link[position], near.get((position, keeper))) for position, keeper in dropped]
        decisions.sort(key=lambda d: d.order)
        return decisions

    def _direct_near_scores(self, dropped: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """The near score of each dropped document and its keeper that are not exact copies,
        scored a block at a time: a dropped document is explained by its direct match first."""
        fingerprints = self._fingerprints
        pairs = [(p, k) for p, k in dropped if fingerprints[p].exact != fingerprints[k].exact]
        scores: dict[tuple[int, int], float] = {}
        for block in batched(pairs, NEAR_SCORE_BLOCK):
            scores.update(zip(block, self.near_scores(block)))
        return scores

    def _keep_order(self, position: int) -> tuple[bool, int, int]:
        fp = self._fingerprints[position]
        return (position not in self._indexed, -fp.length if self.config.keep == "longest" else 0, fp.order)

    def _explain(self, position: int, keeper: int, link: _Link, near: float | None) -> Decision:
        """Name the kept twin and the direct match to it (``near``: their near score, None for
        exact copies); fall back to the link that joined."""
        fp, kept = self._fingerprints[position], self._fingerprints[keeper]
        in_index = keeper in self._indexed
        direct = self._direct_match(position, keeper, near)
        if direct is not None:
            kind, score = direct
            return Decision(fp.id, fp.order, kept.id, kind, score, anchors=self._anchors_if(kind, fp, kept), in_index=in_index)
        other = self._fingerprints[link.b if link.a == position else link.a]
        return Decision(
            fp.id, fp.order, kept.id, link.kind, link.score, via=other.id, anchors=self._anchors_if(link.kind, fp, other), in_index=in_index
        )

    def _anchors_if(self, kind: str, a: Fingerprint, b: Fingerprint) -> tuple[str, ...]:
        return self.shared_anchors(a, b) if kind == "translated" else ()

    def _direct_match(self, position: int, keeper: int, near: float | None) -> tuple[str, float] | None:
        fp, kept = self._fingerprints[position], self._fingerprints[keeper]
        if fp.exact == kept.exact:
            return "exact", 1.0
        assert near is not None
        if near >= self.config.near_threshold:
            return "near", near
        if self.config.translated and (fp.lang != kept.lang or fp.script != kept.script):
            score, shared = self.translation_score(fp, kept)
            comparable = self._comparable_lengths(np.array([position]), np.array([keeper]))[0]
            if score >= self.config.translated_threshold and shared >= self.config.min_shared_anchors and comparable:
                return "translated", score
        return None


@dataclass(slots=True)
class _BlockVerifier:
    """What verifying a block of translated candidates reads: the index and its two candidate
    structures, shared with forked workers (:func:`cleanpress.executor.map_shared`)."""

    index: DuplicateIndex
    names: RareNamesLSH
    rare: RareAnchorIndex | None
    languages: tuple[np.ndarray, np.ndarray]

    def verify(self, queries: list[int]) -> tuple[int, list[tuple[int, int, float]]]:
        return self.index._verified_block(queries, self.names, self.rare, self.languages)


class RareNamesLSH:
    """Candidate names-set documents for a names-set document: MinHash LSH over rare anchors.

    On news, the years, small numbers and capitalised common words are in a large share of all
    articles; an LSH over whole anchor sets at the low candidate threshold then proposes more
    candidates per document the larger the corpus (157 per document at 10,000 generated articles,
    17 at 1,000). Here each document's signature is a MinHash of its anchors that are in at most
    ``COMMON_ANCHOR_MAX_DF`` documents, computed from the anchor hashes (:func:`hash_minhash`;
    one scheme for the whole LSH), and a query keeps, per language of the other side, the
    ``NAMES_CANDIDATES_PER_LANGUAGE`` earlier documents whose rare-anchor signatures agree most
    (ties to the first read). Mutual best keeps one per language pair, so the cap leaves room.
    Queries run in batches (:meth:`candidates`): the buckets, the agreement and the ranking are
    array operations over the whole batch.
    """

    def __init__(self, index: DuplicateIndex, positions: list[int]) -> None:
        config = index.config
        self._lsh = BandIndex(config.candidate_threshold, config.num_perm, capacity=len(positions))
        self._row = np.full(len(index._fingerprints), -1, dtype=np.int64)  # position -> signature row
        # filled in place, not stacked from a list: one copy of the signatures at a time; the
        # affine32 scheme's hash values are below 2**32, so uint32 holds them exactly
        self._signatures = np.zeros((len(positions), config.num_perm), dtype=np.uint32)
        rows = 0
        blocks = [positions[start : start + CANDIDATE_BLOCK] for start in range(0, len(positions), CANDIDATE_BLOCK)]
        for block in map_shared(RareNamesLSH._rare_signatures, blocks, min(config.workers, len(blocks)), index):
            for position, signature in block:
                self._row[position] = rows
                self._signatures[rows] = signature
                self._lsh.insert(position, signature)
                rows += 1
        self._signatures.resize((rows, config.num_perm), refcheck=False)  # in place: no second copy

    @staticmethod
    def _rare_signatures(index: DuplicateIndex, positions: list[int]) -> list[tuple[int, np.ndarray]]:
        """The rare-anchor signature of each document at ``positions`` that has rare anchors."""
        config, found = index.config, []
        for position in positions:
            anchors = index._fingerprints[position].anchors
            signature = hash_minhash(anchors[index._df_of(anchors) <= COMMON_ANCHOR_MAX_DF], config.num_perm, config.seed)
            if signature is not None:
                found.append((position, signature))
        return found

    def candidates(self, queries: list[int], languages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The earlier names-set documents worth verifying against each of ``queries``, as two
        arrays ``(earlier, query)``; ``languages``: a code per position for its (language, script)."""
        positions = np.asarray(queries, dtype=np.int64)
        positions = positions[self._row[positions] >= 0] if len(positions) else positions
        query, other = self._lsh.query_inserted(self._row[positions])
        query = positions[query]
        earlier = other < query
        query, other = query[earlier], other[earlier]
        agreement = np.empty(len(query), dtype=np.int64)
        for lo in range(0, len(query), AGREEMENT_BLOCK):  # a block of pairs' signatures at a time
            hi = lo + AGREEMENT_BLOCK
            agreement[lo:hi] = (self._signatures[self._row[query[lo:hi]]] == self._signatures[self._row[other[lo:hi]]]).sum(axis=1)
        # per query and language of the other side: the best agreement first, ties to the first read
        language = languages[other]
        order = np.lexsort((other, -agreement, language, query))
        query, other, language = query[order], other[order], language[order]
        group_start = np.ones(len(query), dtype=bool)
        group_start[1:] = (query[1:] != query[:-1]) | (language[1:] != language[:-1])
        starts = np.flatnonzero(group_start)
        rank = np.arange(len(query)) - np.repeat(starts, np.diff(np.append(starts, len(query))))
        keep = rank < NAMES_CANDIDATES_PER_LANGUAGE
        return other[keep], query[keep]


class RareAnchorIndex:
    """Candidate fallback documents for a names document, from the rare anchors they share.

    A fallback set (every capitalised German word, every word of a caseless text) contains many
    anchors, so containment LSH proposes most fallback documents for every names document: the
    candidates per document grew with the corpus (808 per document at 5,000 generated documents).
    Here an inverted index maps each anchor that is in at most ``RARE_ANCHOR_MAX_DF`` documents
    to the fallback documents containing it. A names document walks its rare anchors, rarest first, adding each anchor's IDF weight to every
    fallback document that contains it; a document first met when the weight still to come cannot
    reach the threshold is not started. Per language of the other side, the
    ``FALLBACK_CANDIDATES_PER_LANGUAGE`` fallback documents with the highest estimated score
    (containment of the rare anchors, above chance; ties to the first read) are candidates, if
    their score could still reach ``translated_threshold`` with every common anchor shared. Work
    per query is at most its anchors times the cap on postings, candidates at most the cap per
    language: neither grows with the corpus.
    """

    def __init__(self, index: DuplicateIndex, positions: list[int]) -> None:
        self._index = index
        self.max_df = RARE_ANCHOR_MAX_DF
        self._postings: dict[int, list[int]] = {}
        for position in positions:  # in order, so every posting list is sorted by position
            anchors = index._fingerprints[position].anchors
            for anchor in anchors[index._df_of(anchors) <= self.max_df].tolist():
                self._postings.setdefault(anchor, []).append(position)

    def query(self, position: int) -> list[int]:
        """The fallback documents worth verifying against the names document at ``position``."""
        index, fingerprints = self._index, self._index._fingerprints
        anchors = fingerprints[position].anchors
        df, weights = index._df_of(anchors), index._weights_of(anchors, 1.0)
        threshold = index.config.translated_threshold
        total = float(weights.sum())
        rare = df <= self.max_df
        common_weight = float(weights[~rare].sum())
        order = np.lexsort((anchors, df))  # rarest first; equal frequencies by hash, for determinism
        order = order[rare[order]]
        to_come = np.cumsum(weights[order][::-1])[::-1].tolist()  # rare weight from each step on
        shared: dict[int, float] = {}
        for step, (anchor, weight) in enumerate(zip(anchors[order].tolist(), weights[order].tolist())):
            admit = to_come[step] + common_weight >= threshold * total  # could a new document still reach it?
            for other in self._postings.get(anchor, ()):
                if other in shared:
                    shared[other] += weight
                elif admit:
                    shared[other] = weight
        language = index._language(position)
        best: dict[Hashable, list[tuple[float, int]]] = {}
        for other, weight in shared.items():
            chance = index._chance_containment(fingerprints[other])
            if (weight + common_weight) / total < chance + threshold * (1.0 - chance):
                continue  # not even every common anchor shared would lift it to the threshold
            other_language = index._language(other)
            if other_language != language:
                best.setdefault(other_language, []).append((-(weight / total - chance) / (1.0 - chance), other))
        return [other for ranked in best.values() for _, other in sorted(ranked)[:FALLBACK_CANDIDATES_PER_LANGUAGE]]


def _chunks(sizes: np.ndarray, limit: int) -> np.ndarray:
    """Boundaries ``[0, ..., len(sizes)]`` splitting items into consecutive runs whose sizes add up
    to about ``limit`` (an item larger than ``limit`` is a run of its own).

    >>> _chunks(np.array([3, 3, 3, 9, 1]), 6).tolist()
    [0, 2, 3, 4, 5]
    """
    ends = np.cumsum(sizes)
    bounds, start, total = [0], 0, 0
    while start < len(sizes):
        stop = max(int(np.searchsorted(ends, total + limit, side="right")), start + 1)
        bounds.append(stop)
        total, start = int(ends[stop - 1]), stop
    return np.array(bounds, dtype=np.int64)


def near_band_parameters(config: CleanConfig) -> tuple[int, int]:
    """Bands and rows of the near-duplicate LSH (:class:`cleanpress.bands.BandIndex`): two documents
    are near candidates when the :func:`cleanpress.bands.band_keys` of any one band are equal."""
    return band_parameters(config.near_threshold * NEAR_CANDIDATE_FACTOR, config.num_perm, NEAR_LSH_WEIGHTS)


def _strength(link: _Link) -> tuple[int, float]:
    return (-KINDS.index(link.kind), link.score)


def weighted_overlap(a: np.ndarray, b: np.ndarray, weight: dict[int, float]) -> float:
    """Weighted Jaccard of two anchor sets: shared weight over total weight.

    >>> w = {1: 1.0, 2: 1.0, 3: 2.0}
    >>> weighted_overlap(np.array([1, 2], dtype=np.uint64), np.array([2, 3], dtype=np.uint64), w)
    0.25
    """
    shared = np.intersect1d(a, b, assume_unique=True).tolist()
    union = np.union1d(a, b).tolist()
    total = sum(weight.get(x, 1.0) for x in union)
    return sum(weight.get(x, 1.0) for x in shared) / total if total else 0.0


def weighted_containment(small: np.ndarray, large: np.ndarray, weight: dict[int, float] | np.ndarray) -> tuple[float, int]:
    """The weighted share of ``small``'s anchors found in ``large``, and how many are; ``weight``
    maps anchors to weights or is an array aligned with ``small``.

    >>> w = {1: 1.0, 2: 1.0, 3: 2.0}
    >>> weighted_containment(np.array([1, 3], dtype=np.uint64), np.array([1, 2, 4, 5], dtype=np.uint64), w)
    (0.3333333333333333, 1)
    """
    if isinstance(weight, dict):
        weight = np.array([weight.get(x, 1.0) for x in small.tolist()], dtype=np.float64)
    _, where, _ = np.intersect1d(small, large, assume_unique=True, return_indices=True)
    total = float(weight.sum())
    return (float(weight[where].sum()) / total if total else 0.0), len(where)


Language = tuple[Optional[str], str]


def mutual_best(scored: list[tuple[int, int, float]], language: Callable[[int], Hashable]) -> list[tuple[int, int, float]]:
    """The pairs where each document is the other's best match among documents of the other's
    language (ties kept): a text has one translation per language, however many look alike.

    >>> mutual_best([(0, 1, 0.5), (0, 2, 0.4), (3, 2, 0.6)], language={0: "en", 1: "ru", 2: "ru", 3: "uz"}.get)
    [(0, 1, 0.5), (3, 2, 0.6)]
    """
    best: dict[tuple[int, Hashable], float] = {}
    for a, b, score in scored:
        for end, other in ((a, b), (b, a)):
            key = (end, language(other))
            if score > best.get(key, -1.0):
                best[key] = score
    return [(a, b, s) for a, b, s in scored if s >= best[(a, language(b))] and s >= best[(b, language(a))]]


def drop_bridges(links: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Drop the links between two documents that both have other links but no linked document in
    common: in a set of translations every two are linked to the same third ones, while such a
    link joins two clusters that have nothing else to do with each other.

    >>> group = [(0, 1, .5), (0, 2, .5), (1, 2, .5), (3, 4, .5), (3, 5, .5), (4, 5, .5)]
    >>> drop_bridges(group + [(2, 3, .4)]) == group
    True
    >>> drop_bridges([(0, 1, .5), (1, 2, .4)])  # a chain has no cluster to protect
    [(0, 1, 0.5), (1, 2, 0.4)]
    """
    neighbours: dict[int, set[int]] = {}
    for a, b, _ in links:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)

    def bridge(a: int, b: int) -> bool:
        return len(neighbours[a]) > 1 and len(neighbours[b]) > 1 and not (neighbours[a] & neighbours[b])

    return [(a, b, s) for a, b, s in links if not bridge(a, b)]
