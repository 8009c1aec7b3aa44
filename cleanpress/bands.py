"""A compact LSH band index: datasketch's banding, held in numpy arrays instead of Python sets.

``datasketch.MinHashLSH`` keeps, for every band of every document, a bytes key in a dict and a
set of members: about 7 KB a document at 25 bands, so 1,000,000 documents would need 7 GB for
the index alone. Deduplication here adds every document before it asks anything, so the buckets
can live in flat arrays: one 64-bit hash per band and document (``xxh3`` of the band's hash
values, the bytes datasketch would use as the key), sorted once per band, queried by binary
search: about 24 bytes per band and document (the keys, and a sorted copy with positions). The
number of bands and rows comes from datasketch's own optimiser for the threshold and weights, so a query returns the same
candidates ``MinHashLSH.query`` would (up to 64-bit hash collisions, which only add a
candidate: every candidate is verified).

>>> index = BandIndex(0.5, 16)
>>> a = np.arange(16, dtype=np.uint32); b = a.copy(); b[0] = 99; c = a + 100
>>> for position, values in enumerate((a, b, c)):
...     index.insert(position, values)
>>> sorted(index.query(a)), sorted(index.query(c))
([0, 1], [2])
"""
from __future__ import annotations

import numpy as np
import xxhash
from datasketch.lsh import _optimal_param

_INITIAL_CAPACITY = 1024


def band_parameters(threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int]:
    """Bands and rows per band for ``threshold``, as datasketch chooses them; at very high
    thresholds its optimiser picks a single band, which ``MinHashLSH`` refuses, so two are used.

    >>> band_parameters(0.56, 128, (0.2, 0.8)), band_parameters(0.99, 128)
    ((25, 5), (2, 64))
    """
    bands, rows = _optimal_param(threshold, num_perm, *weights)
    return (bands, rows) if bands >= 2 else (2, num_perm // 2)


def band_keys(hashvalues: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per band: the hash of the band's bytes. Every engine groups documents by
    these keys (the Dask engine shuffles them), so all of them find the same candidates.

    >>> a = np.arange(8, dtype=np.uint32); b = a.copy(); b[7] = 0
    >>> (band_keys(a, 2, 4) == band_keys(b, 2, 4)).tolist()
    [True, False]
    """
    data = np.ascontiguousarray(hashvalues)
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(data[band * rows : (band + 1) * rows].tobytes()) for band in range(bands)),
        dtype=np.uint64, count=bands,
    )


class BandIndex:
    """Insert every signature, then query: buckets are sorted on the first query after an insert."""

    def __init__(self, threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> None:
        self.bands, self.rows = band_parameters(threshold, num_perm, weights)
        self._keys = np.zeros((_INITIAL_CAPACITY, self.bands), dtype=np.uint64)
        self._positions = np.zeros(_INITIAL_CAPACITY, dtype=np.int64)
        self._size = 0
        self._sorted: list[tuple[np.ndarray, np.ndarray]] | None = None  # per band: sorted keys, their positions

    def __len__(self) -> int:
        return self._size

    def insert(self, position: int, hashvalues: np.ndarray) -> None:
        if self._size == len(self._positions):  # grow by doubling: amortised constant time
            self._keys = np.concatenate([self._keys, np.zeros_like(self._keys)])
            self._positions = np.concatenate([self._positions, np.zeros_like(self._positions)])
        self._keys[self._size] = band_keys(hashvalues, self.bands, self.rows)
        self._positions[self._size] = position
        self._size += 1
        self._sorted = None

    def query(self, hashvalues: np.ndarray) -> list[int]:
        """Positions of the inserted signatures that share at least one band with ``hashvalues``."""
        if self._sorted is None:
            self._sorted = self._sort()
        found: set[int] = set()
        for (keys, positions), key in zip(self._sorted, band_keys(hashvalues, self.bands, self.rows)):
            start, end = np.searchsorted(keys, key, side="left"), np.searchsorted(keys, key, side="right")
            if end > start:
                found.update(positions[start:end].tolist())
        return list(found)

    def query_inserted(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`query` for many inserted signatures at once, from their stored band keys: for
        ``rows`` (indices in insertion order), two arrays ``(query, position)``, ``query`` an index
        into ``rows``, sorted by query, then position, each pair once. A signature finds itself.
        Two binary searches per band for the whole batch, not per signature.

        >>> index = BandIndex(0.5, 16)
        >>> a = np.arange(16, dtype=np.uint32); b = a.copy(); b[0] = 99; c = a + 100
        >>> for position, values in enumerate((a, c, b)):
        ...     index.insert(position, values)
        >>> np.stack(index.query_inserted(np.array([2, 1]))).tolist()
        [[0, 0, 1], [0, 2, 1]]
        """
        if self._sorted is None:
            self._sorted = self._sort()
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows) or not self._size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        size = int(self._positions[: self._size].max()) + 1
        found: list[np.ndarray] = []
        for band, (keys, positions) in enumerate(self._sorted):
            wanted = self._keys[rows, band]
            start = np.searchsorted(keys, wanted, side="left")
            counts = np.searchsorted(keys, wanted, side="right") - start
            # the members of each query's bucket, query by query: start + 0 .. count - 1
            query = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
            offsets = np.repeat(start - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            found.append(query * size + positions[offsets])
        codes = np.unique(np.concatenate(found))
        return codes // size, codes % size

    def pairs(self) -> np.ndarray:
        """Every pair of inserted positions sharing at least one band, as rows ``(earlier, later)``
        sorted by later, then earlier: what querying every inserted signature finds, from runs of
        equal keys in each band's sorted keys, without a binary search per band and query.

        >>> index = BandIndex(0.5, 16)
        >>> a = np.arange(16, dtype=np.uint32); b = a.copy(); b[0] = 99; c = a + 100
        >>> for position, values in enumerate((a, c, b)):
        ...     index.insert(position, values)
        >>> index.pairs().tolist()
        [[0, 2]]
        """
        if self._sorted is None:
            self._sorted = self._sort()
        size = int(self._positions[: self._size].max()) + 1 if self._size else 0
        found: list[np.ndarray] = []
        for keys, positions in self._sorted:
            same = keys[1:] == keys[:-1]  # i and i + 1 are in one bucket
            if not same.any():
                continue
            # the members of buckets of two or more, bucket by bucket (the keys are sorted)
            members = np.flatnonzero(np.concatenate([same, [False]]) | np.concatenate([[False], same]))
            bucket = np.cumsum(np.concatenate([[True], ~same]))[members]
            member_positions = positions[members]
            for step in range(1, len(members)):
                pair = bucket[step:] == bucket[:-step]
                if not pair.any():
                    break  # buckets are contiguous: no pair this far apart, none farther either
                first, second = member_positions[:-step][pair], member_positions[step:][pair]
                found.append(np.maximum(first, second) * size + np.minimum(first, second))
        if not found:
            return np.zeros((0, 2), dtype=np.int64)
        codes = np.unique(np.concatenate(found))  # by later, then earlier
        return np.stack([codes % size, codes // size], axis=1)

    def _sort(self) -> list[tuple[np.ndarray, np.ndarray]]:
        keys, positions = self._keys[: self._size], self._positions[: self._size]
        buckets = []
        for band in range(self.bands):
            order = np.argsort(keys[:, band], kind="stable")
            buckets.append((keys[order, band], positions[order]))
        return buckets
