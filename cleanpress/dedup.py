"""Deduplication: find exact, near and translated duplicates and group them into clusters.

The index is the one part of the pipeline held centrally: it receives the :class:`Fingerprint`
of every document (no text), and after the last one, :meth:`DuplicateIndex.resolve` decides.

1. **Exact**: equal normalised-text hashes.
2. **Near**: candidates from ``datasketch`` MinHash LSH over word n-grams, kept when the
   estimated Jaccard similarity of the signatures reaches ``near_threshold``.
3. **Translated**: only between documents in different languages or scripts. Candidates come
   from a second MinHash LSH over translation anchors at a low threshold (recall first); each is
   verified by the exact IDF-weighted Jaccard overlap of the two anchor sets, where an anchor's
   weight is ``log(1 + N / df)`` over the whole run, so names every article shares count little.

Links become clusters (union-find). One document per cluster is kept: the longest (ties go to
the one read first), or with ``keep="first"`` the one read first. Every other member gets a
:class:`Decision` naming its kept twin, how it matches it and with what score; a member that
joined the cluster only through a third document names that document as ``via``.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from .config import CleanConfig
from .fingerprint import Fingerprint

KINDS = ("exact", "near", "translated")  # strongest first
_SCHEME = "affine32"  # datasketch's default permutation scheme, used by fingerprint.minhash


@dataclass(slots=True)
class Decision:
    """Why a document is dropped: it duplicates ``duplicate_of``, which is kept."""

    id: str
    order: int
    duplicate_of: str
    kind: str
    score: float
    via: str | None = None  # the document it matched directly, when that is not ``duplicate_of``

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "duplicate_of": self.duplicate_of,
            "kind": self.kind,
            "score": round(self.score, 4),
        }
        if self.via is not None:
            record["via"] = self.via
        return record


@dataclass(slots=True)
class _Link:
    a: int
    b: int
    kind: str
    score: float


class _UnionFind:
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


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)


class DuplicateIndex:
    """Collects fingerprints, then finds duplicate clusters and decides what to keep."""

    def __init__(self, config: CleanConfig) -> None:
        self.config = config
        self._fingerprints: list[Fingerprint] = []
        self._first_with_hash: dict[bytes, int] = {}
        self._links: list[_Link] = []
        self._near_lsh = _lsh_index(config.near_threshold, config.num_perm)
        self._anchor_lsh = _lsh_index(config.candidate_threshold, config.num_perm)
        self._anchor_df: Counter[int] = Counter()
        self._weights: dict[int, float] = {}
        self.candidates = Counter[str]()  # candidate pairs looked at, per kind, for the report

    def __len__(self) -> int:
        return len(self._fingerprints)

    def add(self, fp: Fingerprint) -> None:
        """Index one document. Exact copies are linked at once and kept out of the LSH indexes."""
        position = len(self._fingerprints)
        self._fingerprints.append(fp)
        twin = self._first_with_hash.setdefault(fp.exact, position)
        if twin != position:
            self._links.append(_Link(twin, position, "exact", 1.0))
            return
        self._near_lsh.insert(position, self._lean(fp.near), check_duplication=False)
        if fp.anchor_signature is not None:
            self._anchor_lsh.insert(position, self._lean(fp.anchor_signature), check_duplication=False)
            self._anchor_df.update(fp.anchors.tolist())

    def _lean(self, hashvalues: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=self.config.seed, hashvalues=hashvalues, scheme=_SCHEME)

    def resolve(self) -> list[Decision]:
        """Decide, for every indexed document, whether it is dropped and as a duplicate of what."""
        self._weights = self._anchor_weights()
        self._links.extend(self._near_links())
        if self.config.translated:
            self._links.extend(self._translated_links())
        return self._decide(self._links)

    def _near_links(self) -> Iterable[_Link]:
        threshold = self.config.near_threshold
        for position, fp in enumerate(self._fingerprints):
            if self._first_with_hash[fp.exact] != position:
                continue
            for other in self._near_lsh.query(self._lean(fp.near)):
                if other < position:
                    self.candidates["near"] += 1
                    score = estimated_jaccard(fp.near, self._fingerprints[other].near)
                    if score >= threshold:
                        yield _Link(other, position, "near", score)

    def _translated_links(self) -> Iterable[_Link]:
        threshold = self.config.translated_threshold
        for position, fp in enumerate(self._fingerprints):
            if fp.anchor_signature is None or self._first_with_hash[fp.exact] != position:
                continue
            for other in self._anchor_lsh.query(self._lean(fp.anchor_signature)):
                twin = self._fingerprints[other]
                if other < position and (twin.lang != fp.lang or twin.script != fp.script):
                    self.candidates["translated"] += 1
                    score = weighted_overlap(fp.anchors, twin.anchors, self._weights)
                    if score >= threshold:
                        yield _Link(other, position, "translated", score)

    def _anchor_weights(self) -> dict[int, float]:
        documents = max(1, sum(1 for fp in self._fingerprints if fp.anchor_signature is not None))
        return {anchor: math.log1p(documents / df) for anchor, df in self._anchor_df.items()}

    def _decide(self, links: list[_Link]) -> list[Decision]:
        clusters = _UnionFind()
        best_link: dict[int, _Link] = {}
        for link in links:
            clusters.union(link.a, link.b)
            for end in (link.a, link.b):
                current = best_link.get(end)
                if current is None or _strength(link) > _strength(current):
                    best_link[end] = link
        members: dict[int, list[int]] = {}
        for position in sorted(best_link):
            members.setdefault(clusters.find(position), []).append(position)
        decisions = []
        for cluster in members.values():
            keeper = min(cluster, key=self._keep_order)
            for position in cluster:
                if position != keeper:
                    decisions.append(self._explain(position, keeper, best_link[position]))
        decisions.sort(key=lambda d: d.order)
        return decisions

    def _keep_order(self, position: int) -> tuple[int, int]:
        fp = self._fingerprints[position]
        return (-fp.length if self.config.keep == "longest" else 0, fp.order)

    def _explain(self, position: int, keeper: int, link: _Link) -> Decision:
        """Name the kept twin and the direct match to it; fall back to the link that joined."""
        fp, kept = self._fingerprints[position], self._fingerprints[keeper]
        direct = self._direct_match(fp, kept)
        if direct is not None:
            kind, score = direct
            return Decision(fp.id, fp.order, kept.id, kind, score)
        other = link.b if link.a == position else link.a
        return Decision(fp.id, fp.order, kept.id, link.kind, link.score, via=self._fingerprints[other].id)

    def _direct_match(self, fp: Fingerprint, kept: Fingerprint) -> tuple[str, float] | None:
        if fp.exact == kept.exact:
            return "exact", 1.0
        near = estimated_jaccard(fp.near, kept.near)
        if near >= self.config.near_threshold:
            return "near", near
        if self.config.translated and (fp.lang != kept.lang or fp.script != kept.script):
            score = weighted_overlap(fp.anchors, kept.anchors, self._weights)
            if score >= self.config.translated_threshold:
                return "translated", score
        return None


def _lsh_index(threshold: float, num_perm: int) -> MinHashLSH:
    """datasketch's LSH tuned for ``threshold``; at very high thresholds its optimiser picks one
    band, which it refuses, so two bands are used (candidates are verified anyway)."""
    try:
        return MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError:
        return MinHashLSH(num_perm=num_perm, params=(2, num_perm // 2))


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
