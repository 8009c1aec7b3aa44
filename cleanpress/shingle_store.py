"""The shingle store: every document's word n-gram hashes, on disk, for exact near-duplicate scores.

A MinHash signature of 128 values estimates Jaccard similarity with a standard error of about
0.04 near 0.75, so a pair with true similarity 0.73 falls below a 0.70 threshold one time in
five. LSH only proposes the candidates; each candidate pair is then scored by the exact Jaccard
similarity of the two documents' sets of shingle hashes, read back from this store. The store
is a temporary file written once, in order, with each document's sorted unique 32-bit hashes;
memory holds two integers a document (where its hashes start and how many there are), so it
grows with the number of documents, never with their text.

>>> store = ShingleStore()
>>> store.append(np.array([1, 2, 3, 4], np.uint32)); store.append(np.array([2, 3, 4, 5], np.uint32)); store.append(None)
>>> store.jaccard(0, 1), store.jaccard(0, 2)
(0.6, None)
>>> store.close()
"""
from __future__ import annotations

import os
import tempfile
from array import array

import numpy as np

_ITEM = np.dtype(np.uint32)
_MISSING = -1  # a document whose hashes are not known (kept by an earlier run, in a persistent index)


class ShingleStore:
    """Append-only, position-addressed store of sorted unique ``uint32`` shingle hashes."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=directory, prefix="cleanpress-shingles-")
        self._starts = array("q")
        self._counts = array("q")
        self._end = 0

    def __len__(self) -> int:
        return len(self._counts)

    def append(self, hashes: np.ndarray | None) -> None:
        """Store the next document's hashes (``None``: not known, its scores fall back to MinHash)."""
        self._starts.append(self._end)
        if hashes is None:
            self._counts.append(_MISSING)
            return
        data = np.ascontiguousarray(hashes, dtype=_ITEM).tobytes()
        self._file.write(data)
        self._end += len(data)
        self._counts.append(len(hashes))

    def get(self, position: int) -> np.ndarray | None:
        """The hashes of the document at ``position``, or ``None`` when they are not known."""
        count = self._counts[position]
        if count == _MISSING:
            return None
        self._file.flush()
        data = os.pread(self._file.fileno(), count * _ITEM.itemsize, self._starts[position])
        return np.frombuffer(data, dtype=_ITEM)

    def jaccard(self, first: int, second: int) -> float | None:
        """Exact Jaccard similarity of two documents' shingle sets; ``None`` when one is not known."""
        a, b = self.get(first), self.get(second)
        if a is None or b is None:
            return None
        return jaccard(a, b)

    def close(self) -> None:
        self._file.close()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique arrays of shingle hashes (two empty sets: 1.0).

    >>> jaccard(np.array([1, 2, 3], np.uint32), np.array([2, 3, 4], np.uint32))
    0.5
    """
    if not len(a) and not len(b):
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (len(a) + len(b) - common)
