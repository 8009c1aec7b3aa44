"""Corpus line frequencies: how many documents of a run contain a given line.

Site chrome repeats across pages ("Share this article", a newsletter prompt, a footer), article
text does not; CCNet removes paragraphs whose hash recurs across a shard for that reason. A
``clean`` run over files reads its input once beforehand to count, per line, the documents that
contain it; the boilerplate line model takes the count as one of its features.

Memory is bounded: lines are kept as 64-bit hashes in two sorted numpy arrays (hash, count:
12 bytes a line, against ~120 in a Python dict), new hashes are merged into them in batches, and
when the table grows past ``capacity`` the lines seen only once are forgotten (lossy counting), so
what survives is what repeats.

>>> freq = LineFrequencies()
>>> for page in ("Share this\\nA story about bridges.", "Share  THIS\\nA story about rivers.", "Other"):
...     freq.add_document(page)
>>> freq("share this"), freq("A story about bridges."), freq("never seen")
(2, 1, 0)
"""
from __future__ import annotations

from array import array
from typing import Any

import numpy as np
import regex
import xxhash

MAX_LINE_CHARS = 600  # longer lines are paragraphs: counting them costs memory and finds little
DEFAULT_CAPACITY = 2_000_000  # hashes held before the singletons are dropped (24 MB)
MERGE_EVERY = 1 << 20  # new hashes buffered (8 MB) before they are merged into the sorted table

_NOT_LETTER = regex.compile(r"[^\p{L}]+")


def line_hash(line: str) -> int | None:
    """The line's letters, case-folded, hashed: numbers, spacing and punctuation do not matter
    (a view counter or a date does not make a chrome line unique). None for lines without letters."""
    if len(line) > MAX_LINE_CHARS:
        return None
    letters = _NOT_LETTER.sub("", line).casefold()
    return xxhash.xxh3_64_intdigest(letters.encode("utf-8")) if letters else None


class LineFrequencies:
    """Counts, per line, the documents that contain it."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self.documents = 0
        self._keys = np.empty(0, dtype=np.uint64)  # sorted line hashes
        self._counts = np.empty(0, dtype=np.uint32)  # documents containing each
        self._pending = array("Q")  # hashes added since the last merge, one per (document, line)
        self._merge_every = max(1, min(capacity, MERGE_EVERY))

    def __len__(self) -> int:
        self._merge()
        return len(self._keys)

    def add_document(self, text: str) -> None:
        """Count each distinct line of one document once."""
        self.documents += 1
        self._pending.extend({line_hash(line) for line in text.split("\n")} - {None})  # type: ignore[arg-type]
        if len(self._pending) >= self._merge_every:
            self._merge()

    def _merge(self) -> None:
        """Fold the buffered hashes into the sorted table; forget singletons past ``capacity``."""
        if not self._pending:
            return
        new_keys, new_counts = np.unique(np.frombuffer(self._pending, dtype=np.uint64), return_counts=True)
        self._pending = array("Q")
        keys = np.concatenate([self._keys, new_keys])
        counts = np.concatenate([self._counts, new_counts.astype(np.uint32)])
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        self._keys, self._counts = keys[starts], np.add.reduceat(counts, starts).astype(np.uint32)
        if len(self._keys) > self.capacity:
            repeated = self._counts > 1
            self._keys, self._counts = self._keys[repeated], self._counts[repeated]

    def __call__(self, line: str) -> int:
        """Documents counted that contain ``line`` (0 for lines never seen or forgotten)."""
        return int(self.counts([line])[0])

    def counts(self, lines: list[str]) -> np.ndarray:
        """:meth:`__call__` for many lines at once, with one search of the table.

        >>> freq = LineFrequencies()
        >>> freq.add_document("Share this\\nA story")
        >>> freq.counts(["share this", "12:30", "unseen"]).tolist()
        [1, 0, 0]
        """
        self._merge()
        hashes = [line_hash(line) for line in lines]
        keys = np.array([0 if h is None else h for h in hashes], dtype=np.uint64)
        if not len(self._keys):
            return np.zeros(len(lines), dtype=np.uint32)
        at = np.minimum(self._keys.searchsorted(keys), len(self._keys) - 1)
        found = (self._keys[at] == keys) & np.array([h is not None for h in hashes], dtype=bool)
        return np.where(found, self._counts[at], 0).astype(np.uint32)

    def __getstate__(self) -> dict[str, Any]:
        self._merge()  # workers receive the compact table, not a buffer to merge each
        return self.__dict__.copy()


# The frequencies of the corpus this process is working on. Set once per process (as an
# executor initializer) rather than sent with every batch: the table can be large.
_corpus: LineFrequencies | None = None


def use_corpus_frequencies(frequencies: LineFrequencies | None) -> None:
    """Make ``frequencies`` the ones :func:`corpus_frequencies` returns in this process."""
    global _corpus
    _corpus = frequencies


def corpus_frequencies() -> LineFrequencies | None:
    """The line frequencies set by :func:`use_corpus_frequencies`, if any."""
    return _corpus
