"""Counting 64-bit hashes in sorted numpy arrays: 12 bytes a distinct hash, not ~100 in a dict.

The corpus-wide tables of a run (documents per line for the boilerplate stage, documents per
translation anchor for the IDF weights) count millions of distinct hashes. Hashes are buffered
as they come and merged into two sorted arrays (hash, count) in batches, so adding stays cheap
and a lookup is one binary search for many hashes at once.

>>> counter = HashCounter()
>>> for document in ([3, 1], [1], [7, 1]):
...     counter.add(document)
>>> counter.counts(np.array([1, 3, 5], dtype=np.uint64)).tolist(), len(counter)
([3, 1, 0], 3)
"""
from __future__ import annotations

from array import array
from typing import Any, Iterable

import numpy as np

from .arrays import sorted_unique_counts

MERGE_EVERY = 1 << 20  # hashes buffered (8 MB) before they are merged into the sorted table


class HashCounter:
    """How many times each 64-bit hash was added; past ``capacity`` distinct hashes, the ones
    counted once are forgotten (lossy counting: what survives is what repeats)."""

    def __init__(self, capacity: int | None = None) -> None:
        self.capacity = capacity
        self._keys = np.empty(0, dtype=np.uint64)  # sorted
        self._counts = np.empty(0, dtype=np.uint32)
        self._pending = array("Q")  # added since the last merge
        self._merge_every = max(1, min(capacity or MERGE_EVERY, MERGE_EVERY))

    def __len__(self) -> int:
        self._merge()
        return len(self._keys)

    def add(self, hashes: Iterable[int] | np.ndarray) -> None:
        """Count each of ``hashes`` once more (give a document's distinct hashes once each)."""
        if isinstance(hashes, np.ndarray):
            self._pending.frombytes(np.ascontiguousarray(hashes, dtype=np.uint64).tobytes())
        else:
            self._pending.extend(hashes)
        if len(self._pending) >= self._merge_every:
            self._merge()

    def counts(self, hashes: np.ndarray) -> np.ndarray:
        """The count of each of ``hashes`` (uint64), 0 for hashes never added or forgotten."""
        self._merge()
        if not len(self._keys):
            return np.zeros(len(hashes), dtype=np.uint32)
        at = np.minimum(self._keys.searchsorted(hashes), len(self._keys) - 1)
        return np.where(self._keys[at] == hashes, self._counts[at], 0).astype(np.uint32)

    def table(self) -> tuple[np.ndarray, np.ndarray]:
        """The sorted distinct hashes and their counts."""
        self._merge()
        return self._keys, self._counts

    def _merge(self) -> None:
        """Fold the buffered hashes into the table: one linear merge of two sorted arrays."""
        if not self._pending:
            return
        new_keys, new_counts = sorted_unique_counts(np.frombuffer(self._pending, dtype=np.uint64))
        self._pending = array("Q")
        at = self._keys.searchsorted(new_keys)
        known = np.zeros(len(new_keys), dtype=bool)
        if len(self._keys):
            known = self._keys[np.minimum(at, len(self._keys) - 1)] == new_keys
        self._counts[at[known]] += new_counts[known].astype(np.uint32)  # each position once: new keys are distinct
        self._keys = np.insert(self._keys, at[~known], new_keys[~known])
        self._counts = np.insert(self._counts, at[~known], new_counts[~known].astype(np.uint32))
        if self.capacity is not None and len(self._keys) > self.capacity:
            repeated = self._counts > 1
            self._keys, self._counts = self._keys[repeated], self._counts[repeated]

    def __getstate__(self) -> dict[str, Any]:
        self._merge()  # a worker receives the compact table, not a buffer to merge
        return self.__dict__.copy()
